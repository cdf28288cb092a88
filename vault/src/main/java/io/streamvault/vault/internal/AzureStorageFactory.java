package io.streamvault.vault.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.Storage;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Opens {@code azure://CONTAINER[/PREFIX]} with credentials from the environment, first match wins:
 * {@code AZURE_STORAGE_CONNECTION_STRING}; {@code AZURE_STORAGE_ACCOUNT} with
 * {@code AZURE_STORAGE_SAS_TOKEN} or {@code AZURE_STORAGE_KEY} (endpoint
 * {@code AZURE_STORAGE_ENDPOINT}, default {@code https://ACCOUNT.blob.core.windows.net}); else
 * {@code AZURE_STORAGE_ACCOUNT} alone with Azure AD ({@code DefaultAzureCredential}: environment,
 * workload or managed identity, Azure CLI ...).
 */
public final class AzureStorageFactory {
    public static final String CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";
    public static final String ACCOUNT = "AZURE_STORAGE_ACCOUNT";
    public static final String SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN";
    public static final String KEY = "AZURE_STORAGE_KEY";
    public static final String ENDPOINT = "AZURE_STORAGE_ENDPOINT";
    /** Azure's rule for container names. */
    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");

    private AzureStorageFactory() {
    }

    public static Storage open(String uri, Function<String, String> env, RetryingStorage.Policy retries) {
        String rest = uri.substring(uri.indexOf("://") + 3);
        if (rest.contains("?") || rest.contains("#")) {
            throw Errors.invalid("vault location " + uri + ": azure://CONTAINER[/PREFIX] takes no query or fragment"
                    + " (credentials come from the environment, see README)");
        }
        int slash = rest.indexOf('/');
        String container = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : trimSlashes(rest.substring(slash + 1));
        if (!CONTAINER.matcher(container).matches()) {
            throw Errors.invalid("vault location " + uri + ": \"" + container + "\" is not a valid container name"
                    + " (3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit)");
        }
        if (!prefix.isEmpty() && !ObjectNames.valid(prefix)) {
            throw Errors.invalid("vault location " + uri + ": prefix \"" + prefix + "\" must be '/'-separated segments"
                    + " of letters, digits, '.', '_' and '-', not starting with '.'");
        }
        BlobServiceClientBuilder b = new BlobServiceClientBuilder()
                .httpClient(httpClient())
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
                // AzureStorage retries itself (with jitter, within a budget); one SDK try per attempt
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, Duration.ofHours(1),
                        Duration.ofMillis(1), Duration.ofMillis(1), null));
        String account;
        String cs = nonEmpty(env.apply(CONNECTION_STRING));
        String acct = nonEmpty(env.apply(ACCOUNT));
        if (cs != null) {
            try {
                b.connectionString(cs);
            } catch (IllegalArgumentException e) {
                throw Errors.invalid(CONNECTION_STRING + " is not a valid connection string: " + e.getMessage());
            }
            account = null;
        } else if (acct != null) {
            String endpoint = nonEmpty(env.apply(ENDPOINT));
            b.endpoint(endpoint != null ? endpoint : "https://" + acct + ".blob.core.windows.net");
            String sas = nonEmpty(env.apply(SAS_TOKEN));
            String key = nonEmpty(env.apply(KEY));
            if (sas != null) {
                b.sasToken(sas.startsWith("?") ? sas.substring(1) : sas);
            } else if (key != null) {
                b.credential(new StorageSharedKeyCredential(acct, key));
            } else {
                b.credential(new DefaultAzureCredentialBuilder().build());
            }
            account = acct;
        } else {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "no Azure credentials for vault " + uri + ": set "
                    + CONNECTION_STRING + ", or " + ACCOUNT + " with " + SAS_TOKEN + " or " + KEY + " (and " + ENDPOINT
                    + " for a non-default endpoint), or " + ACCOUNT + " alone to sign in with Azure AD");
        }
        BlobServiceClient service;
        try {
            service = b.buildClient();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw Errors.invalid("cannot set up Azure Blob Storage for " + uri + ": " + e.getMessage());
        }
        if (account == null) {
            account = service.getAccountName();
        }
        BlobContainerClient client = service.getBlobContainerClient(container);
        String location = "azure://" + container + (prefix.isEmpty() ? "" : "/" + prefix) + " (account " + account + ")";
        return new RetryingStorage(new AzureStorage(client, prefix, location), retries);
    }

    private static HttpClient httpClient() {
        return new JdkHttpClientBuilder()
                .connectionTimeout(Duration.ofSeconds(15))
                .writeTimeout(Duration.ofSeconds(60))
                .responseTimeout(Duration.ofMinutes(5))
                .readTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static String trimSlashes(String s) {
        int a = 0;
        int z = s.length();
        while (a < z && s.charAt(a) == '/') {
            a++;
        }
        while (z > a && s.charAt(z - 1) == '/') {
            z--;
        }
        return s.substring(a, z);
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
