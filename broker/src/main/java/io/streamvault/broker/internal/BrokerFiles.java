package io.streamvault.broker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The files of {@code STATE/broker/}: {@code lock}, {@code data/} (log and metadata dirs),
 * {@code broker.json} (where the running broker listens, and which process runs it) and {@code port}
 * (the port it listened on last, which a restart takes again so that clients given its address
 * reconnect).
 */
public final class BrokerFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public BrokerFiles(Path stateDir) {
        this.dir = stateDir.toAbsolutePath().normalize().resolve("broker");
    }

    public Path dir() {
        return dir;
    }

    /** One lock file per process that uses the broker ({@link BrokerUsers}). */
    public Path users() {
        return dir().resolve("users");
    }

    public Path lock() {
        return dir.resolve("lock");
    }

    public Path data() {
        return dir.resolve("data");
    }

    public Path info() {
        return dir.resolve("broker.json");
    }

    public Path port() {
        return dir.resolve("port");
    }

    /** Creates {@code broker/} and {@code broker/data/}. */
    public void create() {
        try {
            Files.createDirectories(data());
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot create the broker directory " + data() + ": " + e, e);
        }
    }

    /** What {@code broker.json} says, if it exists and parses. */
    public Optional<BrokerInfo> readInfo() {
        try {
            JsonNode n = JSON.readTree(info().toFile());
            if (n == null || !n.hasNonNull("bootstrap")) {
                return Optional.empty();
            }
            return Optional.of(new BrokerInfo(n.get("bootstrap").asText(), n.path("pid").asLong(-1),
                    n.path("started").asText("")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code broker.json} atomically (temporary file, then rename). */
    public void writeInfo(BrokerInfo info) {
        ObjectNode n = JSON.createObjectNode();
        n.put("bootstrap", info.bootstrap());
        n.put("pid", info.pid());
        n.put("started", info.started());
        Path tmp = dir.resolve("broker.json.tmp");
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
            try {
                Files.move(tmp, info(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, info(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot write " + info() + ": " + e, e);
        }
    }

    /** The port the broker of this directory listened on last; 0 when none is recorded. */
    public int lastPort() {
        try {
            int port = Integer.parseInt(Files.readString(port()).strip());
            return port > 0 && port < 65536 ? port : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Records the port the broker listens on, for its next start. */
    public void writeLastPort(int port) {
        try {
            Files.writeString(port(), port + "\n");
        } catch (IOException e) {
            // The next start then takes any free port, as the first did.
        }
    }

    public void deleteInfo() {
        try {
            Files.deleteIfExists(info());
        } catch (IOException e) {
            // A stale broker.json only makes joiners wait for a broker that does not answer.
        }
    }

    /** The contents of {@code broker.json}. */
    public record BrokerInfo(String bootstrap, long pid, String started) {
        public static BrokerInfo ofThisProcess(String bootstrap) {
            return new BrokerInfo(bootstrap, ProcessHandle.current().pid(), Instant.now().toString());
        }
    }
}
