package io.gimops.bot.command;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The command words of {@code /gim}, each with its usage lines, a one-line summary and notes.
 *
 * <p>This enum is the one place the usage text lives: the parser's error messages, {@code help}
 * and the markdown reference ({@link CommandReference}) all read it from here.
 */
public enum Verb {
  HELP(
      "help",
      "Show the commands, or one command's usage.",
      List.of("help [command]"),
      List.of()),
  STATUS(
      "status",
      "Health and release of every service (or one), and any service outside the N-2 window.",
      List.of("status [service] [--env ENV]"),
      List.of()),
  RELEASES(
      "releases",
      "The service's releases in the catalog; the newest three form the N-2 window.",
      List.of("releases <service> [--env ENV]"),
      List.of()),
  HISTORY(
      "history",
      "The service's Helm revisions, the numbers `rollback` takes.",
      List.of("history <service> [--env ENV]"),
      List.of()),
  PLAN(
      "plan",
      "Show what an upgrade, rollback or uninstall would do and which rule would refuse it;"
          + " changes nothing.",
      List.of(
          "plan upgrade <service> [version|latest] [--values FILE] [--image-tag TAG] [--env ENV]",
          "plan upgrade all [--to latest] [--env ENV]",
          "plan rollback <service> [revision] [--env ENV]",
          "plan rollback <service> --to <version> [--image-tag TAG] [--env ENV]",
          "plan uninstall <service> [--reinstall] [--env ENV]"),
      List.of(
          "A plan is the same request as the action, marked plan only.",
          "A plan takes no `--override`: it reports whether the all-healthy rule would refuse the"
              + " upgrade.")),
  UPGRADE(
      "upgrade",
      "Upgrade one service, or run a cycle over all of them (GIM, then GSP, then GCA).",
      List.of(
          "upgrade <service> [version|latest] [--values FILE] [--image-tag TAG] [--env ENV]"
              + " [--override \"reason\"]",
          "upgrade all [--to latest] [--env ENV] [--override \"reason\"]"),
      List.of(
          "Without a version, the service goes to its newest release in the catalog (`latest`).",
          "`upgrade all` takes each service to its own newest release, since GIM, GSP and GCA"
              + " have different release numbers; `--to` accepts only `latest`.",
          "`--override \"reason\"` (admins) upgrades although not all services are healthy; the"
              + " written reason is audited.")),
  ROLLBACK(
      "rollback",
      "Roll a service back to an earlier Helm revision (default: the previous one), or re-install an"
          + " earlier release's package.",
      List.of("rollback <service> [revision] [--env ENV]",
          "rollback <service> --to <version> [--image-tag TAG] [--env ENV]"),
      List.of("The revision's release must still be inside the N-2 window.",
          "`--to <version>` is the vendor's other way back: `helm upgrade --install` of that earlier"
              + " package with the service's values file (revert its image tag and any configuration made for"
              + " the new release first), verified like any rollback. `--image-tag TAG` passes `--set"
              + " <service>.image.tag=TAG` instead, when only the image goes back.")),
  UNINSTALL(
      "uninstall",
      "Uninstall a service; the Info Mart database and the S3 export files are not affected.",
      List.of("uninstall <service> [--reinstall] [--env ENV]"),
      List.of(
          "`--reinstall` applies to gsp only: it also deletes GSP's state ConfigMaps, so GSP"
              + " starts clean when installed again.")),
  EXPORT_VIEWS(
      "export-views",
      "Update the Info Mart export views (after a GIM upgrade with schema changes).",
      List.of("export-views [--env ENV]"),
      List.of()),
  RESTART(
      "restart",
      "Restart the GIM pod, which resumes an interrupted migration job.",
      List.of("restart gim [--env ENV]"),
      List.of("Only gim may be restarted.")),
  OPS(
      "ops",
      "Lifecycle operations running or recently finished, with their ids.",
      List.of("ops [--env ENV]"),
      List.of()),
  CANCEL(
      "cancel",
      "Cancel an operation by the id `ops` shows.",
      List.of("cancel <op-id>"),
      List.of());

  private final String word;
  private final String summary;
  private final List<String> usage;
  private final List<String> notes;

  Verb(String word, String summary, List<String> usage, List<String> notes) {
    this.word = word;
    this.summary = summary;
    this.usage = usage;
    this.notes = notes;
  }

  /** The word as typed after {@code /gim}, e.g. {@code export-views}. */
  public String word() {
    return word;
  }

  public String summary() {
    return summary;
  }

  /** One line per form of the command, without the {@code /gim} prefix. */
  public List<String> usage() {
    return usage;
  }

  public List<String> notes() {
    return notes;
  }

  /** Case-insensitive lookup of a command word; ASCII only, so no locale can bend it. */
  public static Optional<Verb> fromWord(String text) {
    if (text == null || !Grammar.isPrintableAscii(text)) {
      return Optional.empty();
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (Verb v : values()) {
      if (v.word.equals(lower)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}
