package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Instant;

/** The Job statuses the Job controller writes: running, then Complete (a Job that failed elsewhere is read as Failed). Pure. */
final class JobStatuses {

  static final String COMPLETE = "Complete";
  static final String FAILED = "Failed";

  private JobStatuses() {}

  /** One pod active since {@code now}, or since the start time the Job already has. */
  static JobStatus running(Job job, Instant now) {
    return new JobStatusBuilder()
        .withStartTime(startTime(job, now))
        .withActive(1)
        .withReady(0)
        .withTerminating(0)
        .withNewUncountedTerminatedPods().endUncountedTerminatedPods()
        .build();
  }

  /** Succeeded: as Kubernetes 1.31+ writes it, SuccessCriteriaMet and then Complete. */
  static JobStatus complete(Job job, Instant now) {
    String at = Times.format(now);
    return new JobStatusBuilder()
        .withStartTime(startTime(job, now))
        .withCompletionTime(at)
        .withSucceeded(1)
        .withReady(0)
        .withTerminating(0)
        .withNewUncountedTerminatedPods().endUncountedTerminatedPods()
        .withConditions(
            condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", at),
            condition(COMPLETE, "CompletionsReached", "Reached expected number of succeeded pods", at))
        .build();
  }

  static boolean succeeded(Job job) {
    return hasCondition(job, COMPLETE);
  }

  static boolean failed(Job job) {
    return hasCondition(job, FAILED);
  }

  static boolean finished(Job job) {
    return succeeded(job) || failed(job);
  }

  private static boolean hasCondition(Job job, String type) {
    return job.getStatus() != null && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String startTime(Job job, Instant now) {
    return job.getStatus() != null && job.getStatus().getStartTime() != null
        ? job.getStatus().getStartTime()
        : Times.format(now);
  }

  private static JobCondition condition(String type, String reason, String message, String at) {
    return new JobConditionBuilder()
        .withType(type).withStatus("True").withReason(reason).withMessage(message)
        .withLastProbeTime(at).withLastTransitionTime(at)
        .build();
  }
}
