using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoraPS.Emulator.Json;

/// <summary>Serializer for the control routes: camelCase, enums as names (numbers accepted too).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(SeedRequest))]
[JsonSerializable(typeof(EmulatorStats))]
[JsonSerializable(typeof(IReadOnlyList<RecordedRequest>))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
