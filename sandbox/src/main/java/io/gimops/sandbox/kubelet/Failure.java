package io.gimops.sandbox.kubelet;

/**
 * A failure the sandbox can inject for one service at one version, each one a way the vendor's
 * page says an upgrade goes wrong ("a pod is in pending state for longer than a timeout", "the
 * Docker image is not available", a migration job that "either did not run or else did not complete successfully").
 *
 * <p>What each looks like in the API is the controller's contract; see {@link SandboxController}.
 */
public enum Failure {
  /** The image cannot be pulled: Pending, container waiting ErrImagePull / ImagePullBackOff. */
  IMAGE_MISSING,
  /** The container starts and exits: Running, waiting CrashLoopBackOff, restarts climbing. */
  CRASH_LOOP,
  /** No node fits the pod: Pending, PodScheduled=False (Unschedulable), never started. */
  STUCK_PENDING,
  /** Every run of GIM's migration (inside its pod) fails; GIM still turns Ready on a half-migrated database. */
  MIGRATION_FAILS,
  /**
   * GIM's first migration of the version stops halfway (a transitory condition); the next GIM
   * pod (a restart) resumes it where it left off and completes it.
   */
  MIGRATION_STOPS_HALFWAY
}
