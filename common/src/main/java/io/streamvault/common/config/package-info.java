/** Every configuration key, declared once with its type, default and documentation. */
package io.streamvault.common.config;
