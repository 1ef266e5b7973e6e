package io.gimops.policies.decision;

/**
 * The rules the bot enforces, each with the sentence of the vendor's page ("Upgrade, roll back,
 * or uninstall Genesys Info Mart") it comes from. Rule 12 and the schedule rule come from the
 * product brief and the page's scheduling advice respectively; {@link #source()} says which.
 */
public enum Rule {
  R1_N2_WINDOW(1, "N-2 window",
      "As long as you remain within the range of N-2 releases for each service, the Genesys Info"
          + " Mart services can inter-operate with one another."),
  R2_ALL_HEALTHY(2, "All services healthy before an upgrade",
      "Do not attempt to upgrade a service unless all the Genesys Info Mart services are"
          + " operating normally."),
  R3_ORDER_AND_VERIFY(3, "Order, and verify before the next service",
      "If you are upgrading all the services during the same upgrade cycle, upgrade GIM first, then"
          + " GSP, then GCA. Complete the upgrade for one service and verify that it upgraded"
          + " successfully before proceeding to upgrade the next service."),
  R4_ONE_AT_A_TIME(4, "One lifecycle operation at a time",
      "Genesys recommends that you upgrade the services methodically and sequentially."),
  R5_TIMEOUTS(5, "Helm timeouts",
      "When you upgrade GIM and GSP, increase the Helm timeout value from the default 5 minutes to"
          + " 15 minutes or longer."),
  R6_THIRD_PARTY(6, "Third-party dependencies",
      "If there are issues with a third-party dependency, such as Kafka or PostgreSQL, then rollback"
          + " will not work until you resolve the third-party issue. If the service you are upgrading"
          + " requires a later version of any third-party services, upgrade the third-party"
          + " service(s) before you upgrade the private edition service."),
  R7_PREPARATION(7, "Preparation",
      "Ensure that your processes have been set up to enable easy rollback in case an upgrade leads"
          + " to compatibility or other issues."),
  R8_VERIFICATION(8, "Verification after upgrade or rollback",
      "The GIM service does not report the Ready state until the first post-upgrade transformation"
          + " job has completed successfully. If a new pod does not start and/or operate"
          + " successfully, Genesys recommends that you roll back to the previous version."),
  R9_UPGRADE_ALERTS(9, "Alerts during an upgrade",
      "Genesys recommends that you create custom alerts for key indicators of failure — for"
          + " example, an alert that a pod is in pending state for longer than a timeout suitable"
          + " for your environment. Consider including an alert for the absence of metrics, which is"
          + " a situation that can occur if the Docker image is not available."),
  R10_UNINSTALL(10, "Uninstall",
      "Uninstalling a service removes all Kubernetes resources associated with that service."
          + " Genesys recommends that you contact Genesys Customer Care before uninstalling any"
          + " private edition services, particularly in a production environment."),
  R11_EXPORT_VIEWS(11, "Export views",
      "If you want your exported data to reflect the schema changes (for example, new tables or"
          + " columns), you must update your export views."),
  R12_ACCESS(12, "Who may do what, where",
      "Roles (viewer, operator, admin) per environment, mapped from Slack users or user groups;"
          + " commands only from allowed channels. Every decision, allowed or refused, is audited"
          + " with its reason."),
  PROCEDURE(0, "The vendor's procedure",
      "Execute the following command to roll back the upgrade to the previous version: helm"
          + " rollback <service> or, to roll back to an even earlier version: helm rollback"
          + " <service> <revision version>"),
  SCHEDULE(0, "Maintenance window",
      "Upgrading the services potentially affects the availability of Info Mart data. Plan a time"
          + " when this eventuality is least disruptive to your operations.");

  /** Where a rule's sentence comes from. */
  public enum Source {
    VENDOR_PAGE,
    PRODUCT_BRIEF
  }

  private final int number;
  private final String title;
  private final String sentence;

  Rule(int number, String title, String sentence) {
    this.number = number;
    this.title = title;
    this.sentence = sentence;
  }

  /** The rule's number in the product brief; 0 for the schedule rule, which has none. */
  public int number() {
    return number;
  }

  public String title() {
    return title;
  }

  /** The sentence this rule enforces, verbatim. */
  public String sentence() {
    return sentence;
  }

  public Source source() {
    return this == R12_ACCESS ? Source.PRODUCT_BRIEF : Source.VENDOR_PAGE;
  }

  /** "rule 2" or "maintenance window". */
  public String label() {
    return number > 0 ? "rule " + number : title.toLowerCase(java.util.Locale.ROOT);
  }
}
