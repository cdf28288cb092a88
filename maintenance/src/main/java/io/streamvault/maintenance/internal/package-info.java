/** The check's passes and their bookkeeping; the retention rules' computation. Not an API. */
package io.streamvault.maintenance.internal;
