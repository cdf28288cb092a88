package io.streamvault.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.vault.ObjectKind;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * A key object, {@code keys/<id>}: plaintext JSON holding scrypt parameters and the master key
 * sealed under the key-encryption key derived from one password.
 */
final class KeyFile {
    static final String PREFIX = ObjectKind.KEY.prefix();
    static final int SALT_LENGTH = 32;
    static final int R = 8;
    static final int P = 1;
    /** Largest scrypt memory (128 * N * r bytes) a key object may ask for: 1 GiB. */
    static final long MAX_KDF_MEMORY = 1L << 30;
    private static final byte[] AAD = "key".getBytes(StandardCharsets.US_ASCII);

    /** A parsed key object; {@code name} is its object name. */
    record Params(String name, int n, int r, int p, byte[] salt, byte[] data) {
    }

    private KeyFile() {
    }

    /** A new key object sealing {@code key} under {@code password}. */
    static byte[] create(MasterKey key, char[] password, int n) {
        byte[] salt = Aead.random(SALT_LENGTH);
        byte[] kek = kek(password, salt, n, R, P);
        byte[] plain = key.toJson();
        byte[] data;
        try {
            data = Aead.seal(Aead.aesKey(kek), AAD, plain);
        } finally {
            Arrays.fill(kek, (byte) 0);
            Arrays.fill(plain, (byte) 0);
        }
        return Json.write(512, g -> {
            g.writeStartObject();
            g.writeStringField("created", Instant.now().toString());
            g.writeStringField("hostname", hostname());
            g.writeStringField("username", System.getProperty("user.name", ""));
            g.writeStringField("kdf", "scrypt");
            g.writeNumberField("N", n);
            g.writeNumberField("r", R);
            g.writeNumberField("p", P);
            g.writeStringField("salt", Json.base64(salt));
            g.writeStringField("data", Json.base64(data));
            g.writeEndObject();
        });
    }

    /** Parses a key object; CORRUPT_OBJECT naming it when it is malformed. */
    static Params parse(String name, byte[] bytes, String location) {
        String what = "key object " + name + " in " + location;
        JsonNode o = Json.parseObject(bytes, what);
        String kdf = Json.text(o, "kdf", what);
        if (!kdf.equals("scrypt")) {
            throw Errors.corrupt(what + " uses key derivation \"" + kdf + "\"; only scrypt is known");
        }
        int n = Json.intValue(o, "N", what, 2, 1 << 30);
        int r = Json.intValue(o, "r", what, 1, 1 << 10);
        int p = Json.intValue(o, "p", what, 1, 64);
        if (Integer.bitCount(n) != 1) {
            throw Errors.corrupt(what + ": scrypt N " + n + " is not a power of two");
        }
        if (128L * n * r > MAX_KDF_MEMORY) {
            throw Errors.corrupt(what + ": scrypt N " + n + " and r " + r + " would need more than 1 GiB");
        }
        byte[] salt = Json.base64(o, "salt", what);
        if (salt.length < 16 || salt.length > 1024) {
            throw Errors.corrupt(what + ": salt has " + salt.length + " bytes");
        }
        byte[] data = Json.base64(o, "data", what);
        return new Params(name, n, r, p, salt, data);
    }

    /**
     * The master key when {@code password} opens this key object, else null. CORRUPT_OBJECT when the
     * password opens it but what it seals is not a master key.
     */
    static MasterKey unlock(Params k, char[] password, String location) {
        byte[] kek = kek(password, k.salt(), k.n(), k.r(), k.p());
        byte[] plain;
        try {
            plain = Aead.open(Aead.aesKey(kek), AAD, k.data());
        } catch (AEADBadTagException e) {
            return null;
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
        try {
            return MasterKey.fromJson(plain, "master key in key object " + k.name() + " in " + location);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    static byte[] kek(char[] password, byte[] salt, int n, int r, int p) {
        ByteBuffer enc = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] pw = new byte[enc.remaining()];
        enc.get(pw);
        if (enc.hasArray()) {
            Arrays.fill(enc.array(), (byte) 0);
        }
        try {
            return NativeKdf.scrypt(pw, salt, n, r, p, 32);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "";
        }
    }
}
