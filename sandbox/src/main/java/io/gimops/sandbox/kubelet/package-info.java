/**
 * The sandbox's stand-in for the kubelet and the workload controllers: {@link
 * io.gimops.sandbox.kubelet.SandboxController} runs pods, ReplicaSets, StatefulSets and Jobs
 * against the mock API server, GIM's transformation and migration Jobs included, with failures
 * injected per service and version ({@link io.gimops.sandbox.kubelet.Failure}).
 *
 * <p>Pure parts (pod and Job statuses, template hashing, labels) are apart from the parts that
 * talk to the API server (the controllers), so they are tested without a server.
 */
package io.gimops.sandbox.kubelet;
