package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.sandbox.kubelet.Labels.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plays the scheduler and the kubelet for every pod in the namespaces. Each reconcile reads the
 * pod, works out the stage it should be in from its status, the injected failures and how long
 * it has been scheduled, and writes that status if it differs:
 *
 * <ol>
 *   <li>Not scheduled: with {@link Failure#STUCK_PENDING} it stays so ({@code Unschedulable});
 *       otherwise it is bound to the sandbox node.</li>
 *   <li>For the ready delay after scheduling: Pending, containers {@code ContainerCreating}.</li>
 *   <li>Then, with {@link Failure#IMAGE_MISSING}: Pending, {@code ErrImagePull} and
 *       {@code ImagePullBackOff} alternating each failure interval; with
 *       {@link Failure#CRASH_LOOP}: Running, {@code CrashLoopBackOff}, one more restart each
 *       interval.</li>
 *   <li>Otherwise Running, and Ready, except that a GIM pod first migrates and transforms inside
 *       itself ({@link GimStartup}).</li>
 * </ol>
 *
 * <p>A Ready pod stays Ready: failures injected later hit the next pods, as a broken image only
 * hurts pods that still have to pull it. Clearing a failure lets a stuck pod go on at its next
 * reconcile. Timing lives in memory; after a controller restart a pod's wait starts over.
 */
final class Kubelet {

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration readyDelay;
  private final Duration failureInterval;
  private final Injections injections;
  private final GimStartup gim;
  private final Owners owners;
  private final WorkQueue queue;
  /** Per pod: when it was scheduled and when its failure next ticks (System.nanoTime). */
  private final Map<Key, PodClock> clocks = new HashMap<>();

  private static final class PodClock {
    final String uid;
    final long scheduledAt;
    long nextTick;

    PodClock(String uid, long scheduledAt) {
      this.uid = uid;
      this.scheduledAt = scheduledAt;
    }
  }

  Kubelet(KubernetesClient client, Clock clock, Duration readyDelay, Duration failureInterval,
      Injections injections, GimStartup gim, Owners owners, WorkQueue queue) {
    this.client = client;
    this.clock = clock;
    this.readyDelay = readyDelay;
    this.failureInterval = failureInterval;
    this.injections = injections;
    this.gim = gim;
    this.owners = owners;
    this.queue = queue;
  }

  void reconcile(Key key) {
    Pod pod = client.pods().inNamespace(key.namespace()).withName(key.name()).get();
    if (pod == null) {
      clocks.remove(key);
      gim.forget(key);
      return;
    }
    if (owners.orphaned(pod)) {
      client.pods().inNamespace(key.namespace()).withName(key.name()).delete();
      clocks.remove(key);
      return;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (pod.getMetadata().getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase)
        || PodStatuses.isReady(pod)) {
      return;
    }
    Optional<Target> target = Labels.target(pod);
    Instant now = clock.instant();

    if (!PodStatuses.isScheduled(pod)) {
      if (injections.has(target, Failure.STUCK_PENDING)) {
        write(pod, PodStatuses.unschedulable(pod, now));
        return;
      }
      pod = client.pods().inNamespace(key.namespace()).withName(key.name()).edit(p -> {
        p.getSpec().setNodeName(PodStatuses.NODE);
        return p;
      });
      clocks.remove(key);
    }
    long nanos = System.nanoTime();
    String uid = pod.getMetadata().getUid();
    PodClock podClock = clocks.compute(key, (k, c) -> c != null && c.uid.equals(uid) ? c : new PodClock(uid, nanos));

    long creatingLeft = readyDelay.toNanos() - (nanos - podClock.scheduledAt);
    if (creatingLeft > 0) {
      write(pod, PodStatuses.creating(pod, now));
      queue.addAfter(key, Duration.ofNanos(creatingLeft));
      return;
    }
    if (injections.has(target, Failure.IMAGE_MISSING) && !PodStatuses.containersStarted(pod)) {
      String current = PodStatuses.waitingReason(pod);
      boolean pulling = PodStatuses.ERR_IMAGE_PULL.equals(current) || PodStatuses.IMAGE_PULL_BACK_OFF.equals(current);
      String reason = current;
      if (!pulling || tick(podClock, nanos)) {
        reason = PodStatuses.ERR_IMAGE_PULL.equals(current) ? PodStatuses.IMAGE_PULL_BACK_OFF : PodStatuses.ERR_IMAGE_PULL;
        podClock.nextTick = nanos + failureInterval.toNanos();
      }
      write(pod, PodStatuses.pullFailing(pod, reason, now));
      queue.addAfter(key, Duration.ofNanos(podClock.nextTick - nanos));
      return;
    }
    if (injections.has(target, Failure.CRASH_LOOP)) {
      int restarts = PodStatuses.restartCount(pod);
      if (!PodStatuses.CRASH_LOOP_BACK_OFF.equals(PodStatuses.waitingReason(pod)) || tick(podClock, nanos)) {
        restarts++;
        podClock.nextTick = nanos + failureInterval.toNanos();
      }
      write(pod, PodStatuses.crashLooping(pod, restarts, now));
      queue.addAfter(key, Duration.ofNanos(podClock.nextTick - nanos));
      return;
    }
    Optional<Duration> starting = Labels.isGim(pod) ? gim.advance(key, pod, nanos) : Optional.empty();
    write(pod, PodStatuses.running(pod, starting.isEmpty(), now));
    starting.ifPresent(left -> queue.addAfter(key, left));
  }


  private static boolean tick(PodClock clock, long nanos) {
    return nanos - clock.nextTick >= 0;
  }

  private void write(Pod pod, PodStatus status) {
    if (!status.equals(pod.getStatus())) {
      pod.setStatus(status);
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    }
  }
}
