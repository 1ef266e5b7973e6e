package io.gimops.bot.journal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.gimops.bot.operation.Operation;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.MalformedVersionException;
import io.gimops.policies.domain.Version;
import java.io.IOException;

/**
 * Operations to and from the journal's JSON. The policies know nothing of JSON, so the type
 * names of plan steps and requests are given here, as Jackson mix-ins; a name, once journaled,
 * must keep meaning the same step (a journal outlives a release of the bot).
 */
public final class OperationCodec {

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = PlanStep.HelmUpgrade.class, name = "helm-upgrade"),
      @JsonSubTypes.Type(value = PlanStep.HelmRollback.class, name = "helm-rollback"),
      @JsonSubTypes.Type(value = PlanStep.HelmUninstall.class, name = "helm-uninstall"),
      @JsonSubTypes.Type(value = PlanStep.Verify.class, name = "verify"),
      @JsonSubTypes.Type(value = PlanStep.DeleteConfigMaps.class, name = "delete-config-maps"),
      @JsonSubTypes.Type(value = PlanStep.UpdateExportViews.class, name = "update-export-views"),
      @JsonSubTypes.Type(value = PlanStep.RestartPod.class, name = "restart-pod"),
      @JsonSubTypes.Type(value = PlanStep.OfferExportViews.class, name = "offer-export-views")})
  private interface PlanStepTypes {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = LifecycleRequest.Upgrade.class, name = "upgrade"),
      @JsonSubTypes.Type(value = LifecycleRequest.UpgradeCycle.class, name = "upgrade-cycle"),
      @JsonSubTypes.Type(value = LifecycleRequest.Rollback.class, name = "rollback"),
      @JsonSubTypes.Type(value = LifecycleRequest.Reinstall.class, name = "reinstall"),
      @JsonSubTypes.Type(value = LifecycleRequest.Uninstall.class, name = "uninstall"),
      @JsonSubTypes.Type(value = LifecycleRequest.UpdateExportViews.class, name = "update-export-views"),
      @JsonSubTypes.Type(value = LifecycleRequest.RestartGimPod.class, name = "restart-gim-pod")})
  private interface RequestTypes {}

  private static final ObjectMapper JSON = mapper();

  private OperationCodec() {}

  /** The mapper that knows the domain's types; also used by the audit trail and events. */
  public static ObjectMapper mapper() {
    SimpleModule domain = new SimpleModule("gimops-domain");
    domain.addSerializer(Version.class, new JsonSerializer<Version>() {
      @Override
      public void serialize(Version v, JsonGenerator g, SerializerProvider p) throws IOException {
        g.writeString(v.toString());
      }
    });
    domain.addDeserializer(Version.class, new JsonDeserializer<Version>() {
      @Override
      public Version deserialize(JsonParser p, DeserializationContext c) throws IOException {
        String text = p.getValueAsString();
        try {
          return Version.parse(text);
        } catch (MalformedVersionException e) {
          return (Version) c.handleWeirdStringValue(Version.class, text, e.getMessage());
        }
      }
    });
    domain.setMixInAnnotation(PlanStep.class, PlanStepTypes.class);
    domain.setMixInAnnotation(LifecycleRequest.class, RequestTypes.class);
    return new ObjectMapper()
        .registerModule(new Jdk8Module())
        .registerModule(new JavaTimeModule())
        .registerModule(domain)
        // Records are their components; helpers such as isServiceChart() are not data.
        .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static String encode(Operation op) {
    try {
      return JSON.writeValueAsString(op);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot journal operation " + op.id() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a journaled operation; a document that does not read says which and why. A journal
   * written when an operation held one prompt ({@code "prompt": {...}} or null) reads as that
   * prompt alone in {@code prompts}.
   */
  public static Operation decode(String json) {
    try {
      com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(json);
      if (tree == null || !tree.isObject()) {
        throw new IllegalArgumentException("a journaled operation does not read: it is not a JSON object");
      }
      if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.has("prompt")) {
        com.fasterxml.jackson.databind.JsonNode single = o.remove("prompt");
        if (!o.has("prompts")) {
          com.fasterxml.jackson.databind.node.ArrayNode prompts = o.putArray("prompts");
          if (single != null && !single.isNull()) {
            prompts.add(single);
          }
        }
      }
      return JSON.treeToValue(tree, Operation.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a journaled operation does not read: " + e.getOriginalMessage(), e);
    }
  }
}
