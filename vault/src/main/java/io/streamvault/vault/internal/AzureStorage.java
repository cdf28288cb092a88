package io.streamvault.vault.internal;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.RetryableException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Objects as block blobs in one Azure Blob Storage container, under an optional name prefix
 * ({@code azure://CONTAINER[/PREFIX]}).
 *
 * <ul>
 *   <li>{@code putIfAbsent} is one create-only upload ({@code If-None-Match: *}; above 256 MiB staged
 *       blocks and a create-only block-list commit), so the object appears atomically; 409
 *       {@code BlobAlreadyExists} means it existed. The container is created on the first write
 *       that finds it missing; nothing else is ever created.</li>
 *   <li>{@code get(name, offset, length)} is one ranged download ({@code x-ms-range}); only the
 *       asked bytes travel.</li>
 *   <li>Each call makes one attempt. Transient failures (connection refused or reset, timeouts,
 *       HTTP 408, 429, 500, 502, 503, 504) are thrown as {@link RetryableException}
 *       {@code STORAGE_UNAVAILABLE}, which {@link RetryingStorage} (wrapped around every backend)
 *       repeats with backoff. Permanent ones are thrown as {@link FatalException}:
 *       401/403 and refused credentials {@code STORAGE_DENIED}, a missing object or container on
 *       read {@code OBJECT_NOT_FOUND}, 400 {@code INVALID_ARGUMENT}, 416 or a short ranged read
 *       {@code CORRUPT_OBJECT}, anything else {@code IO_ERROR}. Every message names the object,
 *       the location and the cause.</li>
 *   <li>A missing container reads as empty ({@code stat} empty, {@code list} empty), as a missing
 *       root directory does for the local backend.</li>
 *   <li>{@code serviceTime} is the {@code Date} header of one Get Container Properties request (of its
 *       404 when the container is missing); {@code immutability} is {@link AzureImmutability}.</li>
 * </ul>
 */
public final class AzureStorage implements Storage {
    /** Uploads up to this size are one Put Blob; larger ones are staged in blocks. */
    static final long SINGLE_UPLOAD = 256L << 20;
    private static final long BLOCK = 16L << 20;
    private static final int MAX_OBJECT = Integer.MAX_VALUE - 8;

    private final BlobContainerClient container;
    private final String prefix;
    private final String location;
    private final AtomicLong downloaded = new AtomicLong();
    private final AtomicLong uploaded = new AtomicLong();

    /**
     * @param prefix name prefix without leading or trailing '/', or empty
     * @param location how messages name this storage, e.g. {@code azure://backups/host-1 (account acme)}
     */
    public AzureStorage(BlobContainerClient container, String prefix, String location) {
        this.container = container;
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
        this.location = location;
    }

    @Override
    public String location() {
        return location;
    }

    /** Bytes received by downloads so far (what ranged reads save shows here). */
    public long bytesDownloaded() {
        return downloaded.get();
    }

    /** Bytes sent by uploads that created an object. */
    public long bytesUploaded() {
        return uploaded.get();
    }

    /** The blob of an object: its name under this storage's prefix. */
    BlobClient blob(String name) {
        return container.getBlobClient(prefix + ObjectNames.check(name, location));
    }

    BlobContainerClient container() {
        return container;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        BlobClient blob = blob(name);
        return once("write", name, () -> {
            boolean containerCreated = false;
            while (true) {
                try {
                    upload(blob, data);
                    uploaded.addAndGet(data.length);
                    return true;
                } catch (BlobStorageException e) {
                    if (e.getStatusCode() == 409 && BlobErrorCode.BLOB_ALREADY_EXISTS.equals(e.getErrorCode())
                            || e.getStatusCode() == 412) {
                        return false;
                    }
                    if (e.getStatusCode() == 404 && BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())
                            && !containerCreated) {
                        createContainer();
                        containerCreated = true;
                        continue;
                    }
                    throw e;
                }
            }
        });
    }

    private static void upload(BlobClient blob, byte[] data) {
        BlobParallelUploadOptions o = new BlobParallelUploadOptions(BinaryData.fromBytes(data))
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"))
                .setParallelTransferOptions(new ParallelTransferOptions()
                        .setMaxSingleUploadSizeLong(SINGLE_UPLOAD).setBlockSizeLong(BLOCK).setMaxConcurrency(4));
        blob.uploadWithResponse(o, null, Context.NONE);
    }

    private void createContainer() {
        try {
            container.createIfNotExists();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 401 || e.getStatusCode() == 403) {
                throw new FatalException(ErrorCode.STORAGE_DENIED, "cannot create container " + container.getBlobContainerName()
                        + " for " + location + ": " + describe(e) + " (create it, or use credentials that may)", e);
            }
            throw e;
        }
    }

    @Override
    public byte[] get(String name) {
        BlobClient blob = blob(name);
        return once("read", name, () -> {
            try {
                byte[] out = blob.downloadContentWithResponse(null, null, null, Context.NONE).getValue().toBytes();
                downloaded.addAndGet(out.length);
                return out;
            } catch (BlobStorageException e) {
                throw notFoundOr(e, name);
            }
        });
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw Errors.invalid("bad range " + offset + "+" + length + " for object " + name + " in " + location);
        }
        BlobClient blob = blob(name);
        if (length == 0) {
            long size = stat(name).orElseThrow(() -> notFound(name)).size();
            if (offset > size) {
                throw shortObject(name, size, offset, length);
            }
            return new byte[0];
        }
        return once("read", name, () -> {
            FixedBuffer out = new FixedBuffer(length);
            try {
                blob.downloadStreamWithResponse(out, new BlobRange(offset, (long) length), null, null, false, null,
                        Context.NONE);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 416) {
                    throw shortObject(name, stat(name).map(ObjectInfo::size).orElse(-1L), offset, length);
                }
                throw notFoundOr(e, name);
            }
            downloaded.addAndGet(out.count);
            if (out.count != length) {
                throw shortObject(name, offset + out.count, offset, length);
            }
            return out.buf;
        });
    }

    private FatalException shortObject(String name, long size, long offset, int length) {
        return Errors.corrupt("object " + name + " in " + location + (size >= 0 ? " has " + size + " bytes" : " is too short")
                + "; cannot read " + length + " bytes at offset " + offset);
    }

    /** Receives exactly one ranged download; more bytes than asked is a protocol error. */
    private static final class FixedBuffer extends OutputStream {
        final byte[] buf;
        int count;

        FixedBuffer(int length) {
            buf = new byte[length];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > buf.length - count) {
                throw new IOException("the service sent more bytes than the range asked for");
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }

    @Override
    public List<ObjectInfo> list(String listPrefix) {
        if (listPrefix == null) {
            throw Errors.invalid("list prefix is null");
        }
        return once("list", listPrefix + "*", () -> {
            List<ObjectInfo> out = new ArrayList<>();
            try {
                for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + listPrefix), null)) {
                    String rel = item.getName().substring(prefix.length());
                    if (ObjectNames.valid(rel) && !Boolean.TRUE.equals(item.isPrefix())) {
                        out.add(new ObjectInfo(rel, item.getProperties().getContentLength()));
                    }
                }
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    return List.of(); // no container: no objects
                }
                throw e;
            }
            return out;
        });
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        BlobClient blob = blob(name);
        return once("stat", name, () -> {
            try {
                long size = blob.getPropertiesWithResponse(null, null, Context.NONE).getValue().getBlobSize();
                return Optional.of(new ObjectInfo(name, size));
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public void delete(String name) {
        BlobClient blob = blob(name);
        once("delete", name, () -> {
            try {
                blob.deleteWithResponse(null, null, null, Context.NONE);
            } catch (BlobStorageException e) {
                if (e.getErrorCode() != null && e.getErrorCode().toString().startsWith("BlobImmutableDueTo")) {
                    // an immutability policy or legal hold the backup lock asked for: not a failure to retry
                    throw new FatalException(ErrorCode.VAULT_LOCKED, "the storage service holds " + name + " in "
                            + location + " (" + e.getErrorCode() + "): it cannot be deleted before its policy expires");
                }
                if (e.getStatusCode() != 404) {
                    throw e;
                }
            }
            return null;
        });
    }

    /**
     * The {@code Date} header of a Get Container Properties response: the service's clock, to the
     * second. A missing container answers 404 with a {@code Date} header too; no header gives empty.
     */
    @Override
    public Optional<Instant> serviceTime() {
        String what = "read the service's clock (properties of container " + container.getBlobContainerName() + ")";
        return once(what, () -> {
            try {
                return date(container.getPropertiesWithResponse(null, null, Context.NONE).getHeaders(), what);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404 && e.getResponse() != null) {
                    return date(e.getResponse().getHeaders(), what);
                }
                throw e;
            }
        });
    }

    private Optional<Instant> date(HttpHeaders headers, String what) {
        String date = headers == null ? null : headers.getValue(HttpHeaderName.DATE);
        if (date == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            throw new FatalException(ErrorCode.IO_ERROR, "cannot " + what + " in " + location
                    + ": the service sent an unreadable Date header \"" + date + "\"", e);
        }
    }

    /** Azure version-level immutability and legal holds for this storage's objects. */
    @Override
    public Optional<ImmutableStorage> immutability() {
        return Optional.of(new AzureImmutability(this));
    }

    @Override
    public void close() {
        // the HTTP client holds no resources that outlive their use
    }

    @Override
    public String toString() {
        return location;
    }

    private FatalException notFound(String name) {
        return new FatalException(ErrorCode.OBJECT_NOT_FOUND, "object " + name + " not found in " + location);
    }

    RuntimeException notFoundOr(BlobStorageException e, String name) {
        if (e.getStatusCode() != 404) {
            return e;
        }
        if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
            return new FatalException(ErrorCode.OBJECT_NOT_FOUND, "object " + name + " not found in " + location
                    + ": container " + container.getBlobContainerName() + " does not exist", e);
        }
        return new FatalException(ErrorCode.OBJECT_NOT_FOUND, "object " + name + " not found in " + location, e);
    }

    interface Attempt<T> {
        T run();
    }

    /**
     * Makes one attempt of a storage call. {@link StreamVaultException}s thrown by the attempt pass
     * unchanged; a transient failure becomes a {@link RetryableException} (which
     * {@link RetryingStorage} repeats), any other a {@link FatalException} by its status.
     */
    <T> T once(String op, String name, Attempt<T> attempt) {
        return once(op + " object " + name, attempt);
    }

    /** {@link #once(String, String, Attempt)} for any call; {@code what} it does, e.g. "read object config". */
    <T> T once(String what, Attempt<T> attempt) {
        try {
            return attempt.run();
        } catch (StreamVaultException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!isTransient(e)) {
                throw permanent(what, e);
            }
            throw new RetryableException(ErrorCode.STORAGE_UNAVAILABLE, "cannot " + what + " in "
                    + location + ": storage unavailable: " + describe(e), e);
        }
    }

    /** Failures that may pass if the same call is repeated: the service or the network briefly away. */
    static boolean isTransient(Throwable e) {
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            int s = h.getResponse().getStatusCode();
            return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
        }
        if (e instanceof ClientAuthenticationException) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException)
                    && Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().startsWith("Timeout on blocking")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private FatalException permanent(String call, RuntimeException e) {
        String what = "cannot " + call + " in " + location + ": " + describe(e);
        int status = e instanceof HttpResponseException h && h.getResponse() != null ? h.getResponse().getStatusCode() : 0;
        if (e instanceof ClientAuthenticationException || status == 401 || status == 403) {
            return new FatalException(ErrorCode.STORAGE_DENIED, what + " (check the credentials and their rights)", e);
        }
        if (status == 404) {
            return new FatalException(ErrorCode.OBJECT_NOT_FOUND, what, e);
        }
        if (status == 400) {
            return new FatalException(ErrorCode.INVALID_ARGUMENT, what, e);
        }
        if (status == 501) {
            return new FatalException(ErrorCode.UNSUPPORTED, what, e);
        }
        return new FatalException(ErrorCode.IO_ERROR, what, e);
    }

    /** One line about a failure: HTTP status and service error code, or the innermost network error. */
    static String describe(Throwable e) {
        if (e instanceof BlobStorageException b) {
            String code = b.getErrorCode() != null ? " " + b.getErrorCode() : "";
            String msg = serviceMessage(String.valueOf(b.getMessage()));
            return "HTTP " + b.getStatusCode() + code + (msg.isEmpty() ? "" : " (" + msg + ")");
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return "HTTP " + h.getResponse().getStatusCode() + " (" + firstLine(String.valueOf(h.getMessage())) + ")";
        }
        Throwable root = e;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            root = t;
            if (t instanceof ConnectException) {
                return "connection refused" + (t.getMessage() != null ? " (" + firstLine(t.getMessage()) + ")" : "");
            }
            if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return "timed out" + (t.getMessage() != null ? " (" + firstLine(t.getMessage()) + ")" : "");
            }
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m != null && !m.isBlank() ? ": " + firstLine(m) : "");
    }

    /** The service's own words: the {@code <Message>} of its XML error body, first line only. */
    private static String serviceMessage(String s) {
        int a = s.indexOf("<Message>");
        int z = s.indexOf("</Message>");
        return a >= 0 && z > a ? firstLine(s.substring(a + "<Message>".length(), z)) : "";
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        t = nl < 0 ? t : t.substring(0, nl).strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
