package io.gimops.bot.command;

import java.util.Locale;
import java.util.Optional;

/** The flags of {@code /gim}; which command takes which is the parser's business. */
enum Flag {
  ENV("--env", "ENV"),
  VALUES("--values", "FILE"),
  IMAGE_TAG("--image-tag", "TAG"),
  TO("--to", "latest"),
  OVERRIDE("--override", "\"reason\""),
  REINSTALL("--reinstall", null);

  private final String text;
  private final String placeholder;

  Flag(String text, String placeholder) {
    this.text = text;
    this.placeholder = placeholder;
  }

  String text() {
    return text;
  }

  boolean takesValue() {
    return placeholder != null;
  }

  /** As the usage lines show it, e.g. {@code --env ENV}. */
  String usage() {
    return placeholder == null ? text : text + " " + placeholder;
  }

  static Optional<Flag> fromText(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (Flag f : values()) {
      if (f.text.equals(lower)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
