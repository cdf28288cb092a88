package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The multi-node deployment of docker-compose.yml. Its shape is checked everywhere; the stack
 * itself runs only where a Docker engine is available, and the test is skipped elsewhere.
 */
class DockerComposeIT {
    private static final Path COMPOSE = Cli.REPO.resolve("docker-compose.yml");
    @TempDir
    Path tmp;

    @Test
    void composeFileDescribesBrokerRegistryStorageAndAgents() throws Exception {
        // SnakeYAML resolves anchors and merge keys (<<: *streamvault) as Docker Compose does
        Object parsed = new org.yaml.snakeyaml.Yaml().load(Files.readString(COMPOSE));
        JsonNode s = new ObjectMapper().valueToTree(parsed).get("services");
        for (String name : List.of("kafka", "schema-registry", "azurite", "init", "agent", "client")) {
            assertNotNull(s.get(name), "service " + name);
        }
        assertEquals("false", s.get("kafka").get("environment").get("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText(),
                "topics are created by StreamVault, never auto-created");
        assertEquals("1", s.get("kafka").get("environment").get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asText());
        List<String> agent = new ArrayList<>();
        s.get("agent").get("command").forEach(n -> agent.add(n.asText()));
        assertEquals("agent", agent.get(0));
        assertTrue(agent.contains("--bootstrap-servers") && agent.contains("kafka:9092"), agent.toString());
        assertTrue(agent.contains("schema.registry.url=http://schema-registry:8081"), agent.toString());
        assertTrue(s.get("agent").get("deploy").get("replicas").asInt() >= 2, "several agents share the work");
        assertTrue(s.get("agent").get("volumes").get(0).asText().endsWith(":/data:ro"), "agents mount the source read-only");
        JsonNode env = s.get("agent").get("environment");
        assertTrue(env.has("STREAMVAULT_PASSWORD") && env.has("AZURE_STORAGE_CONNECTION_STRING"), "agents keep the common environment");
        assertTrue(env.has("STREAMVAULT_JAVA_OPTS") && env.get("STREAMVAULT_JAVA_OPTS").asText().contains("-Xmx320m"),
                "agents have a workers-only agent's heap: " + env);
        // every command-line flag the compose file passes exists
        Cli.Result help = Cli.run("agent", "--help");
        for (String flag : List.of("--bootstrap-servers", "--vault", "-o")) {
            assertTrue(help.out().contains(flag) || help.err().contains(flag), "agent accepts " + flag);
        }
        assertTrue(Files.exists(Cli.REPO.resolve("Dockerfile")), "the agent image is built from the repository");
    }

    @Test
    void stackBacksUpAndRestoresWhereDockerRuns() throws Exception {
        assumeTrue(dockerAvailable(), "no Docker engine here: the compose stack cannot run");
        Path data = Files.createDirectories(tmp.resolve("data"));
        SourceTree.write(data.resolve("a/hello.txt"), "hello from the cluster\n".getBytes());
        SourceTree.write(data.resolve("b/random.bin"), SourceTree.bytes(new Random(3), 2 << 20));
        try (ComposeContainer stack = new ComposeContainer(new File(COMPOSE.toString()))
                .withEnv("SOURCE_DIR", data.toString())
                .withBuild(true)
                .waitingFor("agent-1", Wait.forLogMessage(".*ready.*", 1).withStartupTimeout(Duration.ofMinutes(10)))) {
            stack.start();
            ContainerState agent = stack.getContainerByServiceName("agent-1").orElseThrow();
            var backup = agent.execInContainer("sh", "-c", "java --add-opens java.base/sun.nio.fs=ALL-UNNAMED -cp "
                    + "'/opt/streamvault/streamvault.jar:/opt/streamvault/lib/*' io.streamvault.launcher.Main backup /data --json"
                    + " --bootstrap-servers kafka:9092 --vault azure://streamvault -o schema.registry.url=http://schema-registry:8081");
            assertEquals(0, backup.getExitCode(), backup.getStdout() + backup.getStderr());
            assertTrue(backup.getStdout().contains("\"files_new\":2"), backup.getStdout());
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }
}
