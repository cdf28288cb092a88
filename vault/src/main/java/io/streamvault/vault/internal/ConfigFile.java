package io.streamvault.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.Zstd;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.Hex;
import io.streamvault.vault.VaultConfig;
import io.streamvault.vault.VaultOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The config object: magic {@code SVAULT01}, u16 LE format version, then the config JSON sealed
 * under the master key with the 10 header bytes as associated data.
 */
final class ConfigFile {
    static final String NAME = "config";
    static final int VERSION = 1;
    static final int SEED_LENGTH = 32;
    static final int MAX_CHUNK = 256 << 20;
    private static final byte[] MAGIC = "SVAULT01".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = MAGIC.length + 2;

    private ConfigFile() {
    }

    static VaultConfig create(VaultOptions o) {
        validate(o);
        return new VaultConfig(VERSION, Hex.of(Aead.random(32)), o.chunkMin(), o.chunkAvg(), o.chunkMax(),
                Aead.random(SEED_LENGTH), o.compressionLevel());
    }

    static void validate(VaultOptions o) {
        if (o.chunkMin() < 64 || o.chunkMin() > o.chunkAvg() || o.chunkAvg() > o.chunkMax() || o.chunkMax() > MAX_CHUNK
                || Integer.bitCount(o.chunkAvg()) != 1) {
            throw Errors.invalid("chunk sizes must satisfy 64 <= min <= avg <= max <= 256 MiB with avg a power of two; got min "
                    + o.chunkMin() + ", avg " + o.chunkAvg() + ", max " + o.chunkMax());
        }
        checkLevel(o.compressionLevel(), null);
        if (o.kdfLogN() < 1 || o.kdfLogN() > 20) {
            throw Errors.invalid("kdfLogN must be between 1 and 20, not " + o.kdfLogN());
        }
    }

    private static void checkLevel(int level, String what) {
        if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
            String m = "zstd level " + level + " is outside [" + Zstd.minCompressionLevel() + ", "
                    + Zstd.maxCompressionLevel() + "]";
            throw what == null ? Errors.invalid(m) : Errors.corrupt(what + ": " + m);
        }
    }

    static byte[] encode(VaultConfig c, MasterKey key) {
        byte[] json = Json.write(256, g -> {
            g.writeStartObject();
            g.writeNumberField("version", c.version());
            g.writeStringField("id", c.id());
            g.writeObjectFieldStart("chunker");
            g.writeNumberField("min", c.chunkMin());
            g.writeNumberField("avg", c.chunkAvg());
            g.writeNumberField("max", c.chunkMax());
            g.writeStringField("gear_seed", Json.base64(c.gearSeed()));
            g.writeEndObject();
            g.writeObjectFieldStart("compression");
            g.writeStringField("algorithm", "zstd");
            g.writeNumberField("level", c.compressionLevel());
            g.writeEndObject();
            g.writeEndObject();
        });
        byte[] header = header();
        byte[] sealed = Aead.seal(key.aes(), header, json);
        byte[] out = Arrays.copyOf(header, HEADER + sealed.length);
        System.arraycopy(sealed, 0, out, HEADER, sealed.length);
        return out;
    }

    /** Checks magic and version before any key is tried. */
    static void checkHeader(byte[] b, String location) {
        if (b.length < HEADER + Aead.OVERHEAD || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw Errors.corrupt("config object in " + location + " is not a StreamVault config ("
                    + b.length + " bytes, no SVAULT01 header)");
        }
        int v = LittleEndian.getU16(b, MAGIC.length);
        if (v != VERSION) {
            throw new FatalException(ErrorCode.UNSUPPORTED, "vault in " + location + " has format version " + v
                    + "; this program reads version " + VERSION);
        }
    }

    /** Decrypts and validates; AEADBadTagException when {@code key} is not this vault's key. */
    static VaultConfig decode(byte[] b, MasterKey key, String location) throws AEADBadTagException {
        byte[] json = Aead.open(key.aes(), Arrays.copyOf(b, HEADER), b, HEADER, b.length - HEADER);
        String what = "config object in " + location;
        JsonNode o = Json.parseObject(json, what);
        int version = Json.intValue(o, "version", what, VERSION, VERSION);
        String id = Json.text(o, "id", what);
        if (id.length() != 64 || !Hex.isHex(id)) {
            throw Errors.corrupt(what + ": id is not 64 hex digits");
        }
        JsonNode ch = Json.object(o, "chunker", what);
        int min = Json.intValue(ch, "min", what, 64, MAX_CHUNK);
        int avg = Json.intValue(ch, "avg", what, min, MAX_CHUNK);
        int max = Json.intValue(ch, "max", what, avg, MAX_CHUNK);
        if (Integer.bitCount(avg) != 1) {
            throw Errors.corrupt(what + ": chunker avg " + avg + " is not a power of two");
        }
        byte[] seed = Json.base64(ch, "gear_seed", what, SEED_LENGTH);
        JsonNode comp = Json.object(o, "compression", what);
        String alg = Json.text(comp, "algorithm", what);
        if (!alg.equals("zstd")) {
            throw Errors.corrupt(what + ": unknown compression \"" + alg + "\"");
        }
        int level = Json.intValue(comp, "level", what, Integer.MIN_VALUE, Integer.MAX_VALUE);
        checkLevel(level, what);
        return new VaultConfig(version, id, min, avg, max, seed, level);
    }

    private static byte[] header() {
        byte[] h = Arrays.copyOf(MAGIC, HEADER);
        LittleEndian.putU16(h, MAGIC.length, VERSION);
        return h;
    }
}
