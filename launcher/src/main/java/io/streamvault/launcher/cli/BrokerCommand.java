package io.streamvault.launcher.cli;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.schemas.RegistryHttpServer;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamvault broker}: runs the embedded broker of a state directory alone, with the
 * embedded schema registry served over the Confluent REST API, until stopped (SIGTERM, Ctrl-C).
 * A restart on the same state directory listens on the port of the previous start again, so that
 * agents given its address reconnect.
 */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Run the embedded Kafka broker (and schema registry) alone; print their addresses.")
public final class BrokerCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--registry-listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
            description = "Where to serve the schema registry (port 0: any free port; 'none': do not serve it).")
    String registryListen;

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        LocalBroker.runForeground(config.stateDir(), System.out, broker -> {
            if (registryListen.equals("none")) {
                return () -> { };
            }
            SchemaRegistry registry = SchemaRegistries.open(config.with(Map.of(
                    StreamVaultConfig.SCHEMA_REGISTRY_URL, "")), new KafkaProps(broker.bootstrapServers(), config).common());
            RegistryHttpServer http = RegistryHttpServer.start(registry, address(registryListen));
            System.out.println("schema.registry.url=" + http.url());
            System.out.flush();
            return () -> {
                http.close();
                registry.close();
            };
        });
        return 0;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--registry-listen wants HOST:PORT, not " + hostPort, e);
        }
    }
}
