package io.gimops.policies.domain;

/** The third-party services Genesys Info Mart depends on, whose issues make a rollback fail. */
public enum ThirdParty {
  KAFKA("Kafka"),
  POSTGRESQL("PostgreSQL");

  private final String title;

  ThirdParty(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}
