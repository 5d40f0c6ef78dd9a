package dev.neuronscribe.llm;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Dollars per million input and output tokens, per model. The built-in table is dated (see
 * {@link #asOf()}); users override it with a file of the same layout.
 */
public final class PriceTable {
  /** Dollars per million tokens. */
  public record Price(double inputPerMillion, double outputPerMillion) {
    public double dollars(Usage usage) {
      return (usage.promptTokens() * inputPerMillion + usage.completionTokens() * outputPerMillion) / 1e6;
    }
  }

  private final String asOf;
  private final Map<String, Price> prices;

  private PriceTable(String asOf, Map<String, Price> prices) {
    this.asOf = asOf;
    this.prices = Map.copyOf(prices);
  }

  public static PriceTable builtIn() {
    try (InputStream in = PriceTable.class.getResourceAsStream("prices.json")) {
      if (in == null) throw new IllegalStateException("the built-in price table is missing from the jar");
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "built-in prices.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PriceTable load(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage(), e);
    }
  }

  static PriceTable parse(String json, String source) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new InvalidInputException(source, "is not valid JSON: " + ParseErrors.describe(e), e);
    }
    if (root == null || !root.isObject()) throw new InvalidInputException(source, "must be a JSON object with a 'models' field");
    JsonNode models = root.get("models");
    if (models == null || !models.isObject()) {
      throw new InvalidInputException(source, "field 'models' is missing; expected {\"models\": {\"MODEL\": {\"input\": DOLLARS, \"output\": DOLLARS}}} (dollars per 1M tokens)");
    }
    Map<String, Price> out = new LinkedHashMap<>();
    for (var it = models.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      JsonNode in = e.getValue().get("input");
      JsonNode outp = e.getValue().get("output");
      if (in == null || !in.isNumber() || outp == null || !outp.isNumber() || in.doubleValue() < 0 || outp.doubleValue() < 0) {
        throw new InvalidInputException(source, "field 'models." + e.getKey() + "' needs non-negative numbers 'input' and 'output' (dollars per 1M tokens)");
      }
      out.put(e.getKey(), new Price(in.doubleValue(), outp.doubleValue()));
    }
    JsonNode asOf = root.get("as_of");
    return new PriceTable(asOf == null ? "undated" : asOf.asText(), out);
  }

  public String asOf() {
    return asOf;
  }

  /** The price of a model: exact name, else the longest listed name it extends with '-'. */
  public Optional<Price> priceOf(String model) {
    String m = model.contains("/") ? model.substring(model.lastIndexOf('/') + 1) : model;
    Price exact = prices.get(m);
    if (exact != null) return Optional.of(exact);
    String best = null;
    for (String name : prices.keySet()) {
      if (m.startsWith(name + "-") && (best == null || name.length() > best.length())) best = name;
    }
    return Optional.ofNullable(best).map(prices::get);
  }
}
