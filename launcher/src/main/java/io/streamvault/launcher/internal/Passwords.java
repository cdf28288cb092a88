package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the vault password comes from, in order: {@code --password-file}, the environment variable
 * {@code STREAMVAULT_PASSWORD}, and, for the default vault only, the password file StreamVault
 * generated when it created that vault ({@code HOME/password}, mode 0600).
 */
public final class Passwords {
    public static final String ENV = "STREAMVAULT_PASSWORD";

    private Passwords() {
    }

    /**
     * @param create for the default vault being created: generate and store a password if none is given
     */
    public static char[] get(Path passwordFile, boolean defaultVault, boolean create) {
        if (passwordFile != null) {
            return readFile(passwordFile);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        if (defaultVault) {
            Path generated = Home.defaultPasswordFile();
            if (Files.exists(generated)) {
                return readFile(generated);
            }
            if (create) {
                return generate(generated);
            }
        }
        throw new FatalException(ErrorCode.PASSWORD_MISSING,
                "no password: set " + ENV + " or pass --password-file FILE");
    }

    private static char[] readFile(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int end = s.indexOf('\n');
            String line = end < 0 ? s : s.substring(0, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new FatalException(ErrorCode.PASSWORD_MISSING, "password file " + file + " is empty");
            }
            return line.toCharArray();
        } catch (NoSuchFileException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "password file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot read password file " + file + ": " + e.getMessage(), e);
        }
    }

    private static char[] generate(Path file) {
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, pw + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot write the generated password to " + file + ": " + e.getMessage(), e);
        }
        System.err.println("streamvault: created the default vault's password in " + file
                + " (keep a copy: without it the vault cannot be read)");
        return pw.toCharArray();
    }
}
