package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Plays the Job controller for every Job a chart renders (a Helm hook Job would otherwise hold
 * {@code helm upgrade} until its timeout): a Job runs for the configured duration, then
 * completes. Jobs get no pods. (GIM's own jobs are no Kubernetes Jobs: see {@link GimStartup}.)
 */
final class JobController {

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration duration;
  private final Owners owners;
  private final WorkQueue queue;
  /** When each Job started running here (System.nanoTime); reconciler thread only. */
  private final Map<Key, Started> started = new HashMap<>();

  private record Started(String uid, long at) {}

  JobController(KubernetesClient client, Clock clock, Duration duration, Owners owners, WorkQueue queue) {
    this.client = client;
    this.clock = clock;
    this.duration = duration;
    this.owners = owners;
    this.queue = queue;
  }

  void reconcile(Key key) {
    Job job = client.batch().v1().jobs().inNamespace(key.namespace()).withName(key.name()).get();
    if (job == null) {
      started.remove(key);
      return;
    }
    if (owners.orphaned(job)) {
      client.batch().v1().jobs().inNamespace(key.namespace()).withName(key.name()).delete();
      started.remove(key);
      return;
    }
    if (JobStatuses.finished(job) || (job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().getSuspend()))) {
      started.remove(key);
      return;
    }
    String uid = job.getMetadata().getUid();
    long now = System.nanoTime();
    Started s = started.compute(key, (k, old) -> old != null && old.uid().equals(uid) ? old : new Started(uid, now));
    long left = duration.toNanos() - (now - s.at());
    if (left > 0) {
      write(job, JobStatuses.running(job, clock.instant()));
      queue.addAfter(key, Duration.ofNanos(left));
      return;
    }
    write(job, JobStatuses.complete(job, clock.instant()));
    started.remove(key);
  }

  private void write(Job job, JobStatus status) {
    if (!status.equals(job.getStatus())) {
      job.setStatus(status);
      client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).updateStatus();
    }
  }
}
