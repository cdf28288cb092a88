/** The check's passes and their bookkeeping. Not an API. */
package io.streamvault.maintenance.internal;
