using System;
using System.Collections.Concurrent;

namespace SoraPS.Emulator.State;

internal sealed record Character(string Id, string Name, DateTimeOffset CreatedAt);

internal sealed class CharacterStore(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Character> _characters = new(StringComparer.Ordinal);

    public Character Create(string name)
    {
        var character = new Character("char_" + Guid.NewGuid().ToString("N"), name, clock.GetUtcNow());
        _characters[character.Id] = character;
        return character;
    }

    public Character? Find(string id) => _characters.TryGetValue(id, out var character) ? character : null;
}
