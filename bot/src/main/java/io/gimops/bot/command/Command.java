package io.gimops.bot.command;

import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed {@code /gim} command. The records are immutable and check their values against
 * {@link Grammar} in their constructors too, so a command built in code can never carry a value
 * the parser would refuse (these values reach helm).
 *
 * <p>An absent {@code env} means the channel's environment, resolved later by the bot. Values
 * are held in canonical form: environment names and operation ids in lowercase, the override
 * reason trimmed.
 */
public sealed interface Command {

  Verb verb();

  /**
   * The command as canonical text after {@code /gim}, for echoes and audit lines;
   * {@link CommandParser#parse} of it gives back an equal command.
   */
  String toText();

  /**
   * The environment named with {@code --env}; empty means the channel's own. Commands with an
   * {@code env} component answer with it (a record's accessor implements this method).
   */
  default Optional<String> env() {
    return Optional.empty();
  }

  /** The admin's written override reason; only upgrades carry one. */
  default Optional<String> overrideReason() {
    return Optional.empty();
  }

  /** The lifecycle actions: the commands a {@link Plan} can wrap. */
  sealed interface Action extends Command permits Upgrade, UpgradeAll, Rollback, Uninstall {}

  /** {@code help [command]}: the overview, or one command's usage. */
  record Help(Optional<Verb> topic) implements Command {
    public Help {
      Objects.requireNonNull(topic, "topic");
    }

    @Override
    public Verb verb() {
      return Verb.HELP;
    }

    @Override
    public String toText() {
      return "help" + topic.map(t -> " " + t.word()).orElse("");
    }
  }

  /** {@code status [service] [--env ENV]}; no service means all of them. */
  record Status(Optional<ServiceKind> service, Optional<String> env) implements Command {
    public Status {
      Objects.requireNonNull(service, "service");
      Checks.env(env);
    }

    @Override
    public Verb verb() {
      return Verb.STATUS;
    }

    @Override
    public String toText() {
      return "status" + service.map(s -> " " + s.id()).orElse("") + Checks.envText(env);
    }
  }

  /** {@code releases <service> [--env ENV]}. */
  record Releases(ServiceKind service, Optional<String> env) implements Command {
    public Releases {
      Objects.requireNonNull(service, "service");
      Checks.env(env);
    }

    @Override
    public Verb verb() {
      return Verb.RELEASES;
    }

    @Override
    public String toText() {
      return "releases " + service.id() + Checks.envText(env);
    }
  }

  /** {@code history <service> [--env ENV]}. */
  record History(ServiceKind service, Optional<String> env) implements Command {
    public History {
      Objects.requireNonNull(service, "service");
      Checks.env(env);
    }

    @Override
    public Verb verb() {
      return Verb.HISTORY;
    }

    @Override
    public String toText() {
      return "history " + service.id() + Checks.envText(env);
    }
  }

  /**
   * {@code upgrade <service> [version|latest] ...}: an empty {@code version} means the newest
   * release in the catalog. {@code valuesFile} is a bare file name, {@code imageTag} a Docker tag;
   * {@code overrideReason}, when present, is the admin's written reason to upgrade although not
   * all services are healthy.
   */
  record Upgrade(
      ServiceKind service,
      Optional<Version> version,
      Optional<String> valuesFile,
      Optional<String> imageTag,
      Optional<String> env,
      Optional<String> overrideReason)
      implements Action {
    public Upgrade {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(version, "version");
      Checks.check(valuesFile, "valuesFile", Grammar::valuesFileProblem);
      Checks.check(imageTag, "imageTag", Grammar::imageTagProblem);
      Checks.env(env);
      Checks.check(overrideReason, "overrideReason", Grammar::reasonProblem);
    }

    /** True when no version was named: the service goes to its newest release. */
    public boolean toLatest() {
      return version.isEmpty();
    }

    @Override
    public Verb verb() {
      return Verb.UPGRADE;
    }

    @Override
    public String toText() {
      return "upgrade " + service.id() + " " + version.map(Version::toString).orElse(Grammar.LATEST)
          + valuesFile.map(f -> " --values " + f).orElse("")
          + imageTag.map(t -> " --image-tag " + t).orElse("")
          + Checks.envText(env)
          + Checks.overrideText(overrideReason);
    }
  }

  /**
   * {@code upgrade all}: one cycle, GIM then GSP then GCA, each to its own newest release (the
   * services have different release numbers, so there is no single version to name).
   */
  record UpgradeAll(Optional<String> env, Optional<String> overrideReason) implements Action {
    public UpgradeAll {
      Checks.env(env);
      Checks.check(overrideReason, "overrideReason", Grammar::reasonProblem);
    }

    @Override
    public Verb verb() {
      return Verb.UPGRADE;
    }

    @Override
    public String toText() {
      return "upgrade all" + Checks.envText(env) + Checks.overrideText(overrideReason);
    }
  }

  /**
   * {@code rollback <service> [revision]}: an empty revision means the previous one; or {@code
   * rollback <service> --to <version> [--image-tag TAG]}: the vendor's second way, re-installing
   * that earlier release's package (with {@code --set <release>.image.tag=TAG} when only the image
   * goes back).
   */
  record Rollback(ServiceKind service, OptionalInt revision, Optional<Version> to, Optional<String> imageTag,
      Optional<String> env) implements Action {
    public Rollback {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(revision, "revision");
      Objects.requireNonNull(to, "to");
      if (revision.isPresent()) {
        Grammar.revisionProblem(Integer.toString(revision.getAsInt()))
            .ifPresent(Checks::illegal);
        if (to.isPresent()) {
          Checks.illegal("a rollback goes to a revision or re-installs a release, not both");
        }
      }
      Checks.check(imageTag, "imageTag", Grammar::imageTagProblem);
      if (imageTag.isPresent() && to.isEmpty()) {
        Checks.illegal("an image tag goes with --to");
      }
      Checks.env(env);
    }

    /** {@code rollback <service> [revision]}, with Helm's rollback. */
    public Rollback(ServiceKind service, OptionalInt revision, Optional<String> env) {
      this(service, revision, Optional.empty(), Optional.empty(), env);
    }

    @Override
    public Verb verb() {
      return Verb.ROLLBACK;
    }

    @Override
    public String toText() {
      return "rollback " + service.id()
          + (revision.isPresent() ? " " + revision.getAsInt() : "")
          + to.map(v -> " --to " + v).orElse("")
          + imageTag.map(t -> " --image-tag " + t).orElse("")
          + Checks.envText(env);
    }
  }

  /**
   * {@code uninstall <service> [--reinstall]}: {@code reinstall} (GSP only) also deletes GSP's
   * state ConfigMaps, so that GSP starts clean when installed again.
   */
  record Uninstall(ServiceKind service, boolean reinstall, Optional<String> env)
      implements Action {
    public Uninstall {
      Objects.requireNonNull(service, "service");
      if (reinstall && service != ServiceKind.GSP) {
        Checks.illegal(Grammar.reinstallOnlyForGsp(service));
      }
      Checks.env(env);
    }

    @Override
    public Verb verb() {
      return Verb.UNINSTALL;
    }

    @Override
    public String toText() {
      return "uninstall " + service.id() + (reinstall ? " --reinstall" : "") + Checks.envText(env);
    }
  }

  /**
   * {@code plan <action>}: the same request as the action, to be shown and not run. A plan
   * carries no override reason: it reports whether the all-healthy rule would refuse.
   */
  record Plan(Action action) implements Command {
    public Plan {
      Objects.requireNonNull(action, "action");
      if (action.overrideReason().isPresent()) {
        Checks.illegal(Grammar.NO_OVERRIDE_IN_PLAN);
      }
    }

    @Override
    public Optional<String> env() {
      return action.env();
    }

    @Override
    public Verb verb() {
      return Verb.PLAN;
    }

    @Override
    public String toText() {
      return "plan " + action.toText();
    }
  }

  /** {@code export-views [--env ENV]}: update the Info Mart export views in the GIM pod. */
  record ExportViews(Optional<String> env) implements Command {
    public ExportViews {
      Checks.env(env);
    }

    @Override
    public Verb verb() {
      return Verb.EXPORT_VIEWS;
    }

    @Override
    public String toText() {
      return "export-views" + Checks.envText(env);
    }
  }

  /** {@code restart gim}: restart the GIM pod, which resumes an interrupted migration job. */
  record RestartGim(Optional<String> env) implements Command {
    public RestartGim {
      Checks.env(env);
    }

    @Override
    public Verb verb() {
      return Verb.RESTART;
    }

    @Override
    public String toText() {
      return "restart gim" + Checks.envText(env);
    }
  }

  /** {@code ops [--env ENV]}: lifecycle operations running or recently finished. */
  record Ops(Optional<String> env) implements Command {
    public Ops {
      Checks.env(env);
    }

    @Override
    public Verb verb() {
      return Verb.OPS;
    }

    @Override
    public String toText() {
      return "ops" + Checks.envText(env);
    }
  }

  /** {@code cancel <op-id>}, the id in lowercase. */
  record Cancel(String opId) implements Command {
    public Cancel {
      Objects.requireNonNull(opId, "opId");
      Grammar.opIdProblem(opId).ifPresent(Checks::illegal);
    }

    @Override
    public Verb verb() {
      return Verb.CANCEL;
    }

    @Override
    public String toText() {
      return "cancel " + opId;
    }
  }
}
