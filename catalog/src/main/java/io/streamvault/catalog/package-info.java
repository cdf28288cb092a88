/** Catalog role: counts each job's records, assembles its entries into trees and seals its snapshot. */
package io.streamvault.catalog;
