using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sourceless.Experiments.Dependencies;

/// <summary>A CycloneDX 1.5 software bill of materials written from what an artifact declares:
/// the artifact itself and one component per library it names (libdep.so.1 at the version it was
/// built against, the C library). It can only be written from a declared list; guessing one from
/// bytes would be reverse engineering, not a bill of materials.</summary>
public static class Sbom
{
    public static string? CycloneDx(StoredArtifact artifact, string libDepVersion)
    {
        if (artifact.Dependencies.Count == 0) return null;
        var libraries = artifact.Dependencies.Select(d => d.Split(':')[0]).Distinct().Order(StringComparer.Ordinal).ToList();
        var components = new JsonArray();
        foreach (var lib in libraries)
        {
            var symbols = artifact.Dependencies.Where(d => d.StartsWith(lib + ":", StringComparison.Ordinal)).Select(d => d[(lib.Length + 1)..]);
            components.Add(new JsonObject
            {
                ["type"] = "library",
                ["name"] = lib == "libdep" ? "libdep.so.1" : "libc.so.6",
                ["version"] = lib == "libdep" ? libDepVersion : "system",
                ["bom-ref"] = lib,
                ["properties"] = new JsonArray(symbols.Select(s => (JsonNode)new JsonObject { ["name"] = "sourceless:symbol", ["value"] = s }).ToArray()),
            });
        }
        var bom = new JsonObject
        {
            ["bomFormat"] = "CycloneDX",
            ["specVersion"] = "1.5",
            ["version"] = 1,
            ["metadata"] = new JsonObject
            {
                ["component"] = new JsonObject { ["type"] = "application", ["name"] = artifact.Id, ["bom-ref"] = "artifact" },
            },
            ["components"] = components,
            ["dependencies"] = new JsonArray(new JsonObject { ["ref"] = "artifact", ["dependsOn"] = new JsonArray(libraries.Select(l => (JsonNode)JsonValue.Create(l)).ToArray()) }),
        };
        return bom.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
