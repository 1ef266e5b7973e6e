package io.gimops.adapters.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gimops.policies.domain.PodPhase;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.Environment;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The few things the bot does to the cluster itself, besides running helm: update GIM's export
 * views, delete GSP's state ConfigMaps before a reinstall, and restart the GIM pod.
 *
 * <p>Every method blocks until it is done (run it on a worker thread) and never throws for what
 * can be expected to go wrong (no pod, a refused call, a timeout): the result says what happened
 * and what to do next.
 */
public final class ClusterActions {

  /** The vendor's command: "forces GIM to rerun the migration job with the make-export-views parameter". */
  public static final List<String> EXPORT_VIEWS_COMMAND =
      List.of("./entrypoint.sh", "-job", "Job_MigrateGIM", "-make-export-views");

  /**
   * What the vendor's page says comes after updating the export views: "You might also need to
   * update your target schema and change your import processing to accommodate the Info Mart
   * schema changes."
   */
  public static final String NEXT_AFTER_EXPORT_VIEWS = "Next, as the vendor's page says: the target schema of your"
      + " Data Export and your import processing may need changes to take the Info Mart schema changes"
      + " (see About Data Export)";

  private static final System.Logger LOG = System.getLogger(ClusterActions.class.getName());

  private final KubernetesClient client;
  private final Environment environment;
  private final java.util.Map<ServiceKind, PodSelector> selectors;

  public ClusterActions(KubernetesClient client, Environment environment) {
    this(client, environment, java.util.Map.of());
  }

  /**
   * @param selectors which pods are each service's, as the observer has them (see
   *     {@link ClusterObserver.Builder#podSelectors}); a service not named: its release's instance label
   */
  public ClusterActions(KubernetesClient client, Environment environment,
      java.util.Map<ServiceKind, PodSelector> selectors) {
    this.client = Objects.requireNonNull(client, "client");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.selectors = java.util.Map.copyOf(selectors);
  }

  // ------------------------------------------------------------------ export views

  /**
   * Runs {@code ./entrypoint.sh -job Job_MigrateGIM -make-export-views} in a Running, Ready GIM
   * pod (the newest, if several), streaming what it prints.
   *
   * @param output receives each line as it arrives, on fabric8's thread; keep it quick
   * @param timeout how long to wait for the command to end; it is not killed after that
   */
  public ExportViewsResult updateExportViews(Consumer<OutputLine> output, Duration timeout) {
    Optional<ServiceSpec> gim = environment.service(ServiceKind.GIM);
    if (gim.isEmpty()) {
      return new ExportViewsResult(ExportViewsResult.Outcome.NOT_CONFIGURED, Optional.empty(), OptionalInt.empty(),
          "environment " + environment.name() + " has no GIM service configured");
    }
    String ns = gim.get().namespace();
    List<Pod> pods;
    try {
      pods = podsOf(gim.get());
    } catch (KubernetesClientException e) {
      return new ExportViewsResult(ExportViewsResult.Outcome.ERROR, Optional.empty(), OptionalInt.empty(),
          "could not list GIM's pods in " + ns + ": " + apiError(e));
    }
    Optional<Pod> target = pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> {
          PodState s = ClusterView.pod(p).state();
          return s.phase() == PodPhase.RUNNING && s.ready();
        })
        .max(Comparator.comparing(ClusterActions::created));
    if (target.isEmpty()) {
      return new ExportViewsResult(ExportViewsResult.Outcome.NO_READY_POD, Optional.empty(), OptionalInt.empty(),
          "no GIM pod in " + ns + " is Running and Ready " + describe(pods) + ": export views can be updated"
              + " once GIM is Ready (after an upgrade, GIM is Ready only after its first transformation job)");
    }
    Pod pod = target.get();
    String name = pod.getMetadata().getName();
    String container = containerOf(pod, gim.get());
    String command = String.join(" ", EXPORT_VIEWS_COMMAND);
    LineSink out = new LineSink(OutputLine.Stream.STDOUT, output);
    LineSink err = new LineSink(OutputLine.Stream.STDERR, output);
    ExecWatch watch;
    try {
      watch = client.pods().inNamespace(ns).withName(name).inContainer(container)
          .writingOutput(out).writingError(err)
          .exec(EXPORT_VIEWS_COMMAND.toArray(String[]::new));
    } catch (KubernetesClientException e) {
      return new ExportViewsResult(ExportViewsResult.Outcome.ERROR, Optional.of(name), OptionalInt.empty(),
          "could not run " + command + " in pod " + name + ": " + apiError(e));
    }
    try {
      Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      out.flush();
      err.flush();
      if (code == null || code < 0) {
        return new ExportViewsResult(ExportViewsResult.Outcome.FAILED, Optional.of(name), OptionalInt.empty(),
            command + " in pod " + name + " ended without an exit code (the connection closed): check the pod's"
                + " log (kubectl logs " + name + " -n " + ns + ") before running it again");
      }
      if (code == 0) {
        return new ExportViewsResult(ExportViewsResult.Outcome.SUCCEEDED, Optional.of(name), OptionalInt.of(0),
            "export views updated: " + command + " exited 0 in pod " + name + ". " + NEXT_AFTER_EXPORT_VIEWS);
      }
      return new ExportViewsResult(ExportViewsResult.Outcome.FAILED, Optional.of(name), OptionalInt.of(code),
          command + " exited " + code + " in pod " + name + ": see its output; Data Export keeps using the"
              + " export views in effect before");
    } catch (TimeoutException e) {
      return new ExportViewsResult(ExportViewsResult.Outcome.TIMED_OUT, Optional.of(name), OptionalInt.empty(),
          command + " did not end within " + timeout.toMinutes() + "m in pod " + name + "; it may still be"
              + " running there: follow it with kubectl logs " + name + " -n " + ns);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return new ExportViewsResult(ExportViewsResult.Outcome.ERROR, Optional.of(name), OptionalInt.empty(),
          "could not run " + command + " in pod " + name + ": "
              + apiError(cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExportViewsResult(ExportViewsResult.Outcome.ERROR, Optional.of(name), OptionalInt.empty(),
          "interrupted while " + command + " ran in pod " + name + "; it may still be running there");
    } finally {
      watch.close();
      out.flush();
      err.flush();
    }
  }

  // ------------------------------------------------------------------ GSP state ConfigMaps

  /**
   * Deletes the ConfigMaps selected by {@code app=<gsp fullname>} in GSP's namespace, as the
   * vendor's page asks before reinstalling GSP. Refuses while GSP still runs (its workload or
   * pods exist): it would lose track of its files on S3.
   */
  public ConfigMapCleanup deleteGspConfigMaps() {
    Optional<ServiceSpec> gsp = environment.service(ServiceKind.GSP);
    if (gsp.isEmpty()) {
      return new ConfigMapCleanup(ConfigMapCleanup.Outcome.NOT_CONFIGURED, "", "", List.of(), List.of(),
          "environment " + environment.name() + " has no GSP service configured");
    }
    String ns = gsp.get().namespace();
    String fullname = gsp.get().fullname();
    String selector = "app=" + fullname;
    List<ConfigMap> selected;
    try {
      List<String> running = stillRunning(gsp.get());
      if (!running.isEmpty()) {
        return new ConfigMapCleanup(ConfigMapCleanup.Outcome.GSP_STILL_RUNNING, ns, selector, List.of(), List.of(),
            "GSP still runs in " + ns + " (" + String.join(", ", running) + "): its state ConfigMaps are"
                + " deleted only after `helm uninstall " + gsp.get().releaseName() + " -n " + ns
                + "` has removed it; nothing was deleted");
      }
      selected = client.configMaps().inNamespace(ns).withLabel("app", fullname).list().getItems();
    } catch (KubernetesClientException e) {
      return new ConfigMapCleanup(ConfigMapCleanup.Outcome.ERROR, ns, selector, List.of(), List.of(),
          "could not list ConfigMaps " + selector + " in " + ns + ": " + apiError(e) + "; nothing was deleted");
    }
    if (selected.isEmpty()) {
      return new ConfigMapCleanup(ConfigMapCleanup.Outcome.NOTHING_TO_DELETE, ns, selector, List.of(), List.of(),
          "no ConfigMap in " + ns + " matches " + selector + ": nothing to delete");
    }
    List<String> deleted = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (ConfigMap cm : selected) {
      String name = cm.getMetadata().getName();
      try {
        List<StatusDetails> gone = client.configMaps().inNamespace(ns).withName(name).delete();
        // An empty answer means it was gone already: deleted all the same.
        deleted.add(gone.isEmpty() ? name : gone.get(0).getName() == null ? name : gone.get(0).getName());
      } catch (KubernetesClientException e) {
        failed.add(name + ": " + apiError(e));
      }
    }
    deleted.sort(Comparator.naturalOrder());
    if (failed.isEmpty()) {
      return new ConfigMapCleanup(ConfigMapCleanup.Outcome.DELETED, ns, selector, deleted, failed,
          "deleted " + deleted.size() + " GSP state ConfigMap" + (deleted.size() == 1 ? "" : "s") + " (" + selector
              + ") in " + ns + ": " + String.join(", ", deleted));
    }
    return new ConfigMapCleanup(ConfigMapCleanup.Outcome.PARTIAL, ns, selector, deleted, failed,
        "deleted " + deleted.size() + " of " + selected.size() + " GSP state ConfigMaps (" + selector + ") in " + ns
            + "; could not delete " + String.join("; ", failed) + ". Run it again before reinstalling GSP");
  }

  private List<String> stillRunning(ServiceSpec gsp) {
    String ns = gsp.namespace();
    PodSelector selector = ClusterView.selectorOf(gsp, selectors);
    List<String> running = new ArrayList<>();
    client.apps().statefulSets().inNamespace(ns).list().getItems().stream()
        .filter(s -> ClusterView.belongs(s, s.getSpec() == null ? null : s.getSpec().getTemplate(), selector))
        .forEach(s -> running.add("statefulset " + s.getMetadata().getName()));
    client.apps().deployments().inNamespace(ns).list().getItems().stream()
        .filter(d -> ClusterView.belongs(d, d.getSpec() == null ? null : d.getSpec().getTemplate(), selector))
        .forEach(d -> running.add("deployment " + d.getMetadata().getName()));
    podsOf(gsp).stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .forEach(p -> running.add("pod " + p.getMetadata().getName()));
    return running;
  }

  // ------------------------------------------------------------------ GIM pod restart

  /**
   * Deletes the GIM pod (the newest, if several) and follows its replacement until it is Ready.
   * "Simply restart the GIM pod. The GIM service detects the out-of-date schema and restarts the
   * migration job, which picks up from where it left off."
   *
   * @param timeout how long the replacement may take to become Ready
   */
  public PodRestart restartGimPod(Duration timeout) {
    Optional<ServiceSpec> spec = environment.service(ServiceKind.GIM);
    if (spec.isEmpty()) {
      return new PodRestart(PodRestart.Outcome.NOT_CONFIGURED, Optional.empty(), Optional.empty(),
          "environment " + environment.name() + " has no GIM service configured");
    }
    ServiceSpec gim = spec.get();
    String ns = gim.namespace();
    CompletableFuture<Pod> replacementReady = new CompletableFuture<>();
    AtomicReference<Pod> replacement = new AtomicReference<>();
    AtomicReference<String> oldUid = new AtomicReference<>();
    SharedIndexInformer<Pod> informer;
    PodSelector selector = ClusterView.selectorOf(gim, selectors);
    try {
      // Watch before deleting, so a replacement that is quick to appear is not missed.
      informer = client.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
              consider(p);
            }

            @Override
            public void onUpdate(Pod before, Pod p) {
              consider(p);
            }

            @Override
            public void onDelete(Pod p, boolean finalStateUnknown) {
            }

            private void consider(Pod p) {
              String uid = oldUid.get();
              if (uid == null || uid.equals(ClusterView.uidOf(p)) || p.getMetadata().getDeletionTimestamp() != null
                  || !selector.matches(ClusterView.labels(p))) {
                return;
              }
              replacement.accumulateAndGet(p, (a, b) -> a == null || !created(b).isBefore(created(a)) ? b : a);
              if (ClusterView.pod(p).state().ready()) {
                replacementReady.complete(p);
              }
            }
          });
    } catch (KubernetesClientException e) {
      return new PodRestart(PodRestart.Outcome.ERROR, Optional.empty(), Optional.empty(),
          "could not watch GIM's pods in " + ns + ": " + apiError(e) + "; nothing was restarted");
    }
    try {
      Optional<Pod> old = informer.getStore().list().stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null && selector.matches(ClusterView.labels(p)))
          .max(Comparator.comparing(ClusterActions::created));
      if (old.isEmpty()) {
        return new PodRestart(PodRestart.Outcome.NO_POD, Optional.empty(), Optional.empty(),
            "there is no GIM pod in " + ns + " to restart (is GIM installed and scaled up?)");
      }
      String oldName = old.get().getMetadata().getName();
      oldUid.set(ClusterView.uidOf(old.get()));
      try {
        client.pods().inNamespace(ns).withName(oldName).delete();
      } catch (KubernetesClientException e) {
        return new PodRestart(PodRestart.Outcome.ERROR, Optional.of(oldName), Optional.empty(),
            "could not delete GIM pod " + oldName + ": " + apiError(e) + "; nothing was restarted");
      }
      // A replacement may have appeared between the delete and the uid being known to the handler.
      informer.getStore().list().forEach(p -> {
        if (!oldUid.get().equals(ClusterView.uidOf(p)) && p.getMetadata().getDeletionTimestamp() == null
            && selector.matches(ClusterView.labels(p))) {
          replacement.accumulateAndGet(p, (a, b) -> a == null || !created(b).isBefore(created(a)) ? b : a);
          if (ClusterView.pod(p).state().ready()) {
            replacementReady.complete(p);
          }
        }
      });
      try {
        Pod ready = replacementReady.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String newName = ready.getMetadata().getName();
        return new PodRestart(PodRestart.Outcome.RESTARTED, Optional.of(oldName), Optional.of(newName),
            "restarted GIM: deleted pod " + oldName + "; its replacement " + newName + " is Ready. GIM resumes an"
                + " interrupted database migration on start");
      } catch (TimeoutException e) {
        Pod latest = replacement.get();
        if (latest == null) {
          return new PodRestart(PodRestart.Outcome.NOT_READY_IN_TIME, Optional.of(oldName), Optional.empty(),
              "deleted GIM pod " + oldName + " but no replacement appeared within " + seconds(timeout)
                  + ": check GIM's Deployment in " + ns + " (kubectl describe deployment " + gim.releaseName()
                  + " -n " + ns + ")");
        }
        Pod current = Optional.ofNullable(informer.getStore().get(latest)).orElse(latest);
        PodState s = ClusterView.pod(current).state();
        return new PodRestart(PodRestart.Outcome.NOT_READY_IN_TIME, Optional.of(oldName),
            Optional.of(s.name()), "deleted GIM pod " + oldName + "; its replacement " + s.name()
                + " is not Ready after " + seconds(timeout) + " (" + describe(s) + "). After an upgrade GIM is Ready"
                + " only once its first transformation job has completed; if the pod is failing, roll back");
      } catch (ExecutionException e) {
        return new PodRestart(PodRestart.Outcome.ERROR, Optional.of(oldName), Optional.empty(),
            "deleted GIM pod " + oldName + " but could not follow its replacement: " + e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new PodRestart(PodRestart.Outcome.ERROR, Optional.of(oldName), Optional.ofNullable(replacement.get())
            .map(p -> p.getMetadata().getName()), "interrupted while following GIM's restart; pod " + oldName
            + " was deleted");
      }
    } finally {
      informer.close();
    }
  }

  /**
   * Deletes a pod of the service so that its controller recreates it from the current template.
   * After a rollback, a StatefulSet leaves a pod broken by the bad revision in place ("forced
   * rollback": Kubernetes asks for that pod to be deleted by hand); this does it.
   *
   * @return a sentence for people: what was deleted, or why not
   */
  public String replacePod(ServiceKind service, String podName) {
    Optional<ServiceSpec> spec = environment.service(service);
    if (spec.isEmpty()) {
      return "environment " + environment.name() + " has no " + service.id() + " service configured";
    }
    boolean ours = podsOf(spec.get()).stream().anyMatch(p -> p.getMetadata().getName().equals(podName));
    if (!ours) {
      return "pod " + podName + " is not a pod of " + service.id() + " (any more); nothing deleted";
    }
    try {
      client.pods().inNamespace(spec.get().namespace()).withName(podName).delete();
      return "deleted pod " + podName + " of the release being left, so that it comes back on the rolled-back"
          + " revision";
    } catch (KubernetesClientException e) {
      return "cannot delete pod " + podName + ": " + apiError(e);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The service's pods by its selector, matched here so that any selector works against any API server. */
  private List<Pod> podsOf(ServiceSpec spec) {
    PodSelector selector = ClusterView.selectorOf(spec, selectors);
    List<Pod> pods = selector.isInstanceOf(spec.releaseName())
        ? client.pods().inNamespace(spec.namespace()).withLabel(ClusterView.INSTANCE, spec.releaseName()).list().getItems()
        : client.pods().inNamespace(spec.namespace()).list().getItems();
    return pods.stream().filter(p -> selector.matches(ClusterView.labels(p))).toList();
  }

  /** The container named after the chart (the pod's {@code app.kubernetes.io/name}), else the first. */
  private static String containerOf(Pod pod, ServiceSpec spec) {
    List<Container> containers = pod.getSpec() == null ? List.of() : pod.getSpec().getContainers();
    String chart = ClusterView.labels(pod).getOrDefault("app.kubernetes.io/name", spec.kind().id());
    return containers.stream().map(Container::getName).filter(chart::equals).findFirst()
        .orElse(containers.isEmpty() ? chart : containers.get(0).getName());
  }

  private static Instant created(Pod p) {
    return ClusterView.time(p.getMetadata().getCreationTimestamp()).orElse(Instant.EPOCH);
  }

  private static String describe(List<Pod> pods) {
    if (pods.isEmpty()) {
      return "(there are no GIM pods)";
    }
    List<String> each = new ArrayList<>();
    for (Pod p : pods) {
      each.add(p.getMetadata().getName() + " " + describe(ClusterView.pod(p).state()));
    }
    return "(" + String.join(", ", each) + ")";
  }

  private static String describe(PodState s) {
    String phase = s.phase().name().charAt(0) + s.phase().name().substring(1).toLowerCase(java.util.Locale.ROOT);
    return phase + s.waitingReason().map(r -> ", " + r).orElse("") + (s.ready() ? ", Ready" : ", not Ready");
  }

  private static String seconds(Duration d) {
    return d.toSeconds() >= 120 ? d.toMinutes() + "m" : d.toSeconds() + "s";
  }

  /** What went wrong with an API call, in words that point at the fix. */
  private static String apiError(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof io.fabric8.kubernetes.client.http.WebSocketHandshakeException h && h.getResponse() != null) {
        int code = h.getResponse().code();
        return code == 403
            ? "forbidden: the bot's service account needs create on pods/exec here"
            : "the API server refused the exec connection (HTTP " + code + ")";
      }
      if (c instanceof KubernetesClientException k && k.getCode() == 403) {
        return "forbidden: the bot's service account lacks the permission (" + k.getMessage() + ")";
      }
      if (c instanceof KubernetesClientException k && k.getCode() > 0) {
        return "the API server answered " + k.getCode() + " (" + k.getMessage() + ")";
      }
      if (c instanceof java.net.ConnectException || c instanceof java.nio.channels.ClosedChannelException
          || c instanceof java.net.http.HttpConnectTimeoutException) {
        return "the API server does not answer (" + c.getClass().getSimpleName() + ")";
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }

  /** Splits what a command prints into lines for the consumer; a consumer that throws is logged. */
  private static final class LineSink extends OutputStream {
    private final OutputLine.Stream stream;
    private final Consumer<OutputLine> consumer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSink(OutputLine.Stream stream, Consumer<OutputLine> consumer) {
      this.stream = stream;
      this.consumer = consumer;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        emit();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    /** Emits a last line that had no line end. */
    @Override
    public synchronized void flush() {
      if (line.size() > 0) {
        emit();
      }
    }

    private void emit() {
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      try {
        consumer.accept(new OutputLine(stream, text));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "output consumer failed on a line; the command goes on", e);
      }
    }
  }
}
