package io.gimops.adapters.kube;

import java.util.Objects;

/** One line a command printed in a pod, without its line end. */
public record OutputLine(Stream stream, String text) {

  public enum Stream { STDOUT, STDERR }

  public OutputLine {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(text, "text");
  }
}
