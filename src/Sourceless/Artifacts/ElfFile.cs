using System.Buffers.Binary;
using System.Text;

namespace Sourceless.Artifacts;

/// <summary>A minimal reader of little-endian ELF64 section headers and symbols: enough to take a
/// section's bytes out of a linked image or an object file without another process.</summary>
public sealed class ElfFile
{
    public sealed record Section(string Name, uint Type, ulong Address, long Offset, long Size, uint Link = 0, uint Info = 0);

    /// <summary>A RELA entry: patch Offset of section Target with symbol Symbol (index into
    /// <see cref="Symbols"/>) plus Addend, by the ISA's relocation Type.</summary>
    public sealed record Relocation(int Target, ulong Offset, uint Type, int Symbol, long Addend);
    public sealed record Symbol(string Name, ulong Value, ulong Size, int SectionIndex, byte Info)
    {
        public bool IsFunction => (Info & 0xf) == 2;

        public bool IsObject => (Info & 0xf) == 1;

        /// <summary>A named function or data object with a size: what a reader can put a name on.</summary>
        public bool IsNamedCodeOrData => Name.Length > 0 && Size > 0 && (IsFunction || IsObject);
    }

    private readonly byte[] _data;
    public IReadOnlyList<Section> Sections { get; }
    public ushort Machine { get; }

    private ElfFile(byte[] data, IReadOnlyList<Section> sections, ushort machine)
    {
        _data = data;
        Sections = sections;
        Machine = machine;
    }

    public static ElfFile Read(byte[] data)
    {
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (data[4] != 2 || data[5] != 1) throw new InvalidDataException("only little-endian ELF64 is supported");
        var span = data.AsSpan();
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]);
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[58..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[60..]);
        int shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[62..]);
        var raw = new List<(uint Name, uint Type, ulong Addr, long Off, long Size, uint Link, uint Info)>();
        for (int i = 0; i < shnum; i++)
        {
            var h = span.Slice((int)(shoff + (long)i * shentsize), shentsize);
            raw.Add((BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[16..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[44..])));
        }
        long strOff = raw[shstrndx].Off;
        var sections = raw.Select(r => new Section(CString(data, strOff + r.Name), r.Type, r.Addr, r.Off, r.Size, r.Link, r.Info)).ToList();
        return new ElfFile(data, sections, machine);
    }

    public Section? Find(string name) => Sections.FirstOrDefault(s => s.Name == name);

    public byte[] Bytes(Section s) => s.Type == 8 /* NOBITS */ ? new byte[s.Size] : _data.AsSpan((int)s.Offset, (int)s.Size).ToArray();

    public IReadOnlyList<Symbol> Symbols()
    {
        var symtab = Sections.FirstOrDefault(s => s.Type == 2);
        if (symtab is null) return [];
        var strtab = Sections[(int)BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan()[(int)(SectionHeaderOffset(Sections.ToList().IndexOf(symtab)) + 40)..])];
        var result = new List<Symbol>();
        for (long off = symtab.Offset; off + 24 <= symtab.Offset + symtab.Size; off += 24)
        {
            var e = _data.AsSpan((int)off, 24);
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(e);
            result.Add(new Symbol(CString(_data, strtab.Offset + name), BinaryPrimitives.ReadUInt64LittleEndian(e[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[16..]), BinaryPrimitives.ReadUInt16LittleEndian(e[6..]), e[4]));
        }
        return result;
    }

    /// <summary>Every RELA relocation of a relocatable object (SHT_RELA sections; sh_info names
    /// the section they patch).</summary>
    public IReadOnlyList<Relocation> Relocations()
    {
        var result = new List<Relocation>();
        foreach (var rela in Sections.Where(s => s.Type == 4))
            for (long off = rela.Offset; off + 24 <= rela.Offset + rela.Size; off += 24)
            {
                var e = _data.AsSpan((int)off, 24);
                ulong info = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
                result.Add(new Relocation((int)rela.Info, BinaryPrimitives.ReadUInt64LittleEndian(e), (uint)(info & 0xffffffff), (int)(info >> 32),
                    BinaryPrimitives.ReadInt64LittleEndian(e[16..])));
            }
        return result;
    }

    private long SectionHeaderOffset(int index)
    {
        var span = _data.AsSpan();
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[58..]);
        return shoff + (long)index * shentsize;
    }

    private static string CString(byte[] data, long offset)
    {
        int end = (int)offset;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)offset, end - (int)offset);
    }
}
