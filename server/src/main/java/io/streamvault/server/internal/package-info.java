/** The HTTP API's routes, token check, error mapping, restore jobs and JSON forms. */
package io.streamvault.server.internal;
