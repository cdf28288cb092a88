package io.streamvault.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import javax.crypto.SecretKey;

/**
 * The vault's secrets: the AES-256 key for every encryption, the HMAC key for blob ids, and the
 * HMAC key that derives deterministic nonces. Stored only inside key objects, encrypted.
 */
final class MasterKey {
    static final int LENGTH = 32;
    private final byte[] encrypt;
    private final byte[] chunkId;
    private final byte[] nonce;
    private final SecretKey aes;

    private MasterKey(byte[] encrypt, byte[] chunkId, byte[] nonce) {
        this.encrypt = encrypt;
        this.chunkId = chunkId;
        this.nonce = nonce;
        this.aes = Aead.aesKey(encrypt);
    }

    static MasterKey random() {
        return new MasterKey(Aead.random(LENGTH), Aead.random(LENGTH), Aead.random(LENGTH));
    }

    SecretKey aes() {
        return aes;
    }

    byte[] chunkIdKey() {
        return chunkId;
    }

    byte[] nonceKey() {
        return nonce;
    }

    /** {"encrypt":b64,"chunk_id":b64,"nonce":b64} */
    byte[] toJson() {
        return Json.write(160, g -> {
            g.writeStartObject();
            g.writeStringField("encrypt", Json.base64(encrypt));
            g.writeStringField("chunk_id", Json.base64(chunkId));
            g.writeStringField("nonce", Json.base64(nonce));
            g.writeEndObject();
        });
    }

    static MasterKey fromJson(byte[] json, String what) {
        JsonNode o = Json.parseObject(json, what);
        return new MasterKey(Json.base64(o, "encrypt", what, LENGTH), Json.base64(o, "chunk_id", what, LENGTH),
                Json.base64(o, "nonce", what, LENGTH));
    }
}
