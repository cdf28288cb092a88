/**
 * The HTTP API: one routes class per resource ({@link io.streamvault.server.internal.SnapshotRoutes},
 * {@link io.streamvault.server.internal.FileRoutes}, {@link io.streamvault.server.internal.RestoreRoutes},
 * {@link io.streamvault.server.internal.ForgetRoutes}, {@link io.streamvault.server.internal.GcRoutes},
 * {@link io.streamvault.server.internal.StatsRoutes}, {@link io.streamvault.server.internal.OpenApiRoutes}),
 * each registering its routes with the role they need in a
 * {@link io.streamvault.server.internal.RouteTable}; the token and role check
 * ({@link io.streamvault.server.internal.Access}); the error mapping
 * ({@link io.streamvault.server.internal.HttpErrors}); the deadline for request heads
 * ({@link io.streamvault.server.internal.HeaderDeadline}); restore and garbage collection jobs, request
 * bodies and JSON forms.
 */
package io.streamvault.server.internal;
