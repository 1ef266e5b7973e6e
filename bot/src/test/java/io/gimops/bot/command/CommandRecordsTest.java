package io.gimops.bot.command;

import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.bot.command.Command.Cancel;
import io.gimops.bot.command.Command.ExportViews;
import io.gimops.bot.command.Command.Plan;
import io.gimops.bot.command.Command.Rollback;
import io.gimops.bot.command.Command.Status;
import io.gimops.bot.command.Command.Uninstall;
import io.gimops.bot.command.Command.Upgrade;
import io.gimops.bot.command.Command.UpgradeAll;
import io.gimops.policies.domain.ServiceKind;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Defence in depth: a command built in code cannot hold a value the parser would refuse. */
class CommandRecordsTest {

  private static Upgrade upgrade(String values, String tag, String env, String reason) {
    return new Upgrade(
        ServiceKind.GIM,
        Optional.empty(),
        Optional.ofNullable(values),
        Optional.ofNullable(tag),
        Optional.ofNullable(env),
        Optional.ofNullable(reason));
  }

  @Test
  void upgradeRefusesValuesThatWouldReachHelmUnchecked() {
    assertThatThrownBy(() -> upgrade("../../etc/passwd", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a path");
    assertThatThrownBy(() -> upgrade(null, "a,gim.foo=bar", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no `,` or `=`");
    assertThatThrownBy(() -> upgrade(null, null, "Prod", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> upgrade(null, null, null, "short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> upgrade(null, null, null, " padded reason text "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start or end with spaces");
    assertThatThrownBy(() -> upgrade(null, null, null, "has a \" quote inside"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("double quotes");
  }

  @Test
  void reinstallOnlyForGsp() {
    assertThatThrownBy(() -> new Uninstall(ServiceKind.GIM, true, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("applies to gsp only");
    assertThatThrownBy(() -> new Uninstall(ServiceKind.GCA, true, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rollbackRevisionIsPositiveAndAtMostSevenDigits() {
    assertThatThrownBy(() -> new Rollback(ServiceKind.GSP, OptionalInt.of(0), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Rollback(ServiceKind.GSP, OptionalInt.of(-3), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Rollback(ServiceKind.GSP, OptionalInt.of(10_000_000), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void planCarriesNoOverride() {
    assertThatThrownBy(
            () -> new Plan(new UpgradeAll(Optional.empty(), Optional.of("a reason long enough"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A plan changes nothing");
    assertThatThrownBy(() -> new Plan(upgrade(null, null, null, "a reason long enough")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void operationIdsAndEnvironmentsInCanonicalLowercase() {
    assertThatThrownBy(() -> new Cancel("OP-ABCD1234"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ExportViews(Optional.of("PROD")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Status(Optional.empty(), Optional.of("prod;rm")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nothingIsNull() {
    assertThatNullPointerException().isThrownBy(() -> new Status(null, Optional.empty()));
    assertThatNullPointerException().isThrownBy(() -> new Status(Optional.empty(), null));
    assertThatNullPointerException().isThrownBy(() -> new Cancel(null));
    assertThatNullPointerException().isThrownBy(() -> new Plan(null));
    assertThatNullPointerException()
        .isThrownBy(() -> new Rollback(ServiceKind.GIM, null, Optional.empty()));
  }
}
