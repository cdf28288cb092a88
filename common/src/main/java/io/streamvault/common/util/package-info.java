/** Small helpers with no better home: hex, byte comparisons, human-readable sizes. */
package io.streamvault.common.util;
