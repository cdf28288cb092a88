package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.fs.FileKind;
import io.streamvault.restore.FilePlan;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * File downloads: {@code GET /snapshots/{id}/files/{path}}, streamed chunk by chunk; one byte range
 * gives 206 and reads only the chunks it needs (the restore's {@link FilePlan} says which), unless an
 * If-Range names another version of the file (then 200, the whole file).
 */
final class FileRoutes {
    private final Browser browser;
    private final Worker worker;

    FileRoutes(Browser browser, Worker worker) {
        this.browser = browser;
        this.worker = worker;
    }

    void register(RouteTable routes) {
        routes.add(HttpMethod.GET, "/snapshots/{id}/files/{path}", Role.READ, this::file);
    }

    /** A file to send: where its bytes are, and its entity tag (from its chunk ids). */
    private record Download(Node node, FilePlan plan, String etag) {
    }

    private void file(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        List<byte[]> path = Params.snapshotPath(ctx, "files");
        if (path.isEmpty()) {
            throw Params.invalid("name a file: /snapshots/{id}/files/{path}");
        }
        String range = ctx.request().getHeader("Range");
        String ifRange = ctx.request().getHeader("If-Range");
        worker.run(ctx, () -> {
            SnapshotRef r = browser.snapshot(id);
            Node n = browser.resolve(r, path);
            if (n.type() != FileKind.FILE) {
                throw Params.invalid("\"" + Params.display(path) + "\" is a " + JsonForms.typeName(n.type())
                        + ", not a regular file");
            }
            FilePlan plan = FilePlan.of(n, chunk -> browser.locate(chunk, BlobType.DATA));
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (FilePlan.Chunk c : plan.chunks()) {
                md.update(c.id().bytes());
            }
            String etag = "\"" + HexFormat.of().formatHex(md.digest(), 0, 16) + "\"";
            return new Download(n, plan, etag);
        }, download -> send(ctx, download, unlessChanged(range, ifRange, download), path));
    }

    /**
     * The Range header, or null (the whole file) when an If-Range names another version than this
     * one: an entity tag that is not this file's (weak tags never match), or a date that is not its
     * Last-Modified. A client resuming a download of a file that changed gets it whole, not two
     * versions spliced.
     */
    private static String unlessChanged(String range, String ifRange, Download d) {
        if (range == null || ifRange == null) {
            return range;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(d.etag()) ? range : null;
        }
        try {
            long asked = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
            return asked == lastModified(d.node()) ? range : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long lastModified(Node n) {
        return Math.floorDiv(n.mtimeNs(), 1_000_000_000L);
    }

    private void send(RoutingContext ctx, Download download, String range, List<byte[]> path) {
        HttpServerResponse resp = ctx.response();
        long size = download.plan().size();
        ByteRange bytes = new ByteRange(0, size - 1);
        int status = 200;
        ByteRange asked = ByteRange.parse(range, size);
        if (asked != null) {
            if (!asked.satisfiable()) {
                resp.putHeader("Content-Range", "bytes */" + size);
                HttpErrors.send(ctx, ErrorCode.RANGE_NOT_SATISFIABLE, "range " + range + " lies outside the file ("
                        + size + " bytes)");
                return;
            }
            bytes = asked;
            status = 206;
            resp.putHeader("Content-Range", "bytes " + bytes.first() + "-" + bytes.last() + "/" + size);
        }
        byte[] name = path.get(path.size() - 1);
        resp.setStatusCode(status)
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("ETag", download.etag())
                .putHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(
                        Instant.ofEpochSecond(lastModified(download.node())), ZoneOffset.UTC)))
                .putHeader("Content-Disposition", "attachment; filename*=UTF-8''" + PathCodec.encodeName(name))
                .putHeader("Content-Length", Long.toString(bytes.length()));
        pump(ctx, download.plan().range(bytes.first(), bytes.length()), 0);
    }

    /** Sends slice i (its chunk read on the worker pool), then the next. */
    private void pump(RoutingContext ctx, List<FilePlan.Slice> slices, int i) {
        HttpServerResponse resp = ctx.response();
        if (i >= slices.size()) {
            resp.end();
            return;
        }
        if (resp.closed()) {
            return;
        }
        FilePlan.Slice s = slices.get(i);
        worker.call(() -> browser.read(s.chunk().location())).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause()); // before the first write: a JSON error; after: the connection is reset
                return;
            }
            byte[] data = ar.result();
            resp.write(Buffer.buffer(s.length() == data.length ? data : Arrays.copyOfRange(data, s.from(), s.to())));
            if (resp.writeQueueFull()) {
                resp.drainHandler(v -> pump(ctx, slices, i + 1));
            } else {
                pump(ctx, slices, i + 1);
            }
        });
    }
}
