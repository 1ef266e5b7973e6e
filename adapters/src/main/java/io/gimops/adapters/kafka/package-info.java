/**
 * Kafka, for real: GIM's consumer-group lag and timestamp behind, the cluster's reachability and
 * version (rule 6), the audit and lifecycle event stream, and alerts from a topic.
 */
package io.gimops.adapters.kafka;
