package io.gimops.sandbox.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a command run in a sandbox pod prints and how it exits. The sandbox's containers run no
 * programs; the one command gimops runs in a pod is scripted here as the vendor's page describes
 * it: in the GIM container, {@code ./entrypoint.sh -job Job_MigrateGIM -make-export-views}
 * "forces GIM to rerun the migration job with the make-export-views parameter", prints what it
 * does and exits 0. Any other command exits non-zero with a message on stderr, as a shell would.
 */
final class GimEntrypoint {

  /** One chunk of output: {@code stderr} or stdout. */
  record Output(boolean stderr, String text) {}

  /** What the command printed and its exit code. */
  record Run(List<Output> output, int exitCode) {}

  static final List<String> EXPORT_VIEWS = List.of("./entrypoint.sh", "-job", "Job_MigrateGIM", "-make-export-views");

  private GimEntrypoint() {}

  /**
   * @param labels the pod's labels ({@code app.kubernetes.io/name} says which service it is,
   *     {@code helm.sh/chart} its version)
   * @param container the container the command runs in
   */
  static Run run(List<String> command, Map<String, String> labels, String container) {
    boolean gim = "gim".equals(labels.get("app.kubernetes.io/name")) && "gim".equals(container);
    String program = command.isEmpty() ? "" : command.get(0);
    boolean entrypoint = program.equals("./entrypoint.sh") || program.equals("entrypoint.sh");
    if (!gim || !entrypoint) {
      return new Run(List.of(new Output(true, "sh: " + (program.isEmpty() ? "(no command)" : program)
          + ": not found (the sandbox's " + container + " container runs only GIM's "
          + String.join(" ", EXPORT_VIEWS) + ")\n")), 127);
    }
    if (!command.equals(EXPORT_VIEWS)) {
      return new Run(List.of(new Output(true, "entrypoint.sh: the sandbox's GIM knows only "
          + String.join(" ", EXPORT_VIEWS.subList(1, EXPORT_VIEWS.size())) + ", not "
          + String.join(" ", command.subList(1, command.size())) + "\n")), 2);
    }
    String chart = labels.getOrDefault("helm.sh/chart", "gim");
    String version = chart.startsWith("gim-") ? chart.substring(4).replace('_', '+') : "unknown";
    List<Output> out = new ArrayList<>();
    out.add(new Output(false, "Job_MigrateGIM: started with -make-export-views (GIM " + version + ")\n"));
    out.add(new Output(false, "Job_MigrateGIM: the Info Mart schema is current; re-creating the export views\n"));
    out.add(new Output(false, "Job_MigrateGIM: export views updated; Data Export uses them from its next run\n"));
    return new Run(out, 0);
  }
}
