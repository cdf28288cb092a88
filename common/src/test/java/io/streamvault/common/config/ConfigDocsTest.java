package io.streamvault.common.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md holds the table generated from the one declaration of every key. */
class ConfigDocsTest {
    @Test
    void documentationListsEveryKeyAsDeclared() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/configuration.md");
        String text = Files.readString(doc);
        assertTrue(text.contains(StreamVaultConfig.markdown()),
                "docs/configuration.md is out of date; replace its table with StreamVaultConfig.markdown():\n"
                        + StreamVaultConfig.markdown());
    }
}
