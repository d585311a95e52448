using System.Text.Json.Nodes;

namespace Bot.Tests.Support;

/// <summary>The official specs and vectors under <c>tests/specs</c> (see its README for where each came from).</summary>
public static class Specs
{
    public static string Folder { get; } = Path.Combine(RepoRoot.Path, "tests", "specs");

    public static string PathOf(string relative) => Path.Combine(Folder, relative);

    private static readonly Lazy<JsonArray> SignatureVectors = new(() =>
        (JsonArray)JsonNode.Parse(File.ReadAllText(PathOf("TEST-VECTORS.json")))!["signature_vectors"]!);

    public static JsonObject Vector(string id) =>
        (JsonObject)SignatureVectors.Value.First(v => (string?)v!["id"] == id)!;
}
