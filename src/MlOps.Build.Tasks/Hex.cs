using System;

namespace MlOps.Build.Tasks
{
    /// <summary>Lower-case hex, the form every SHA-256 in the SDK's files takes.</summary>
    internal static class Hex
    {
        public static string Lower(byte[] bytes)
        {
            var chars = new char[bytes.Length * 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = Digit(bytes[i] >> 4);
                chars[(2 * i) + 1] = Digit(bytes[i] & 0xF);
            }

            return new string(chars);
        }

#if NET8_0_OR_GREATER
        public static string Lower(ReadOnlySpan<byte> bytes)
        {
            Span<char> chars = stackalloc char[bytes.Length * 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = Digit(bytes[i] >> 4);
                chars[(2 * i) + 1] = Digit(bytes[i] & 0xF);
            }

            return new string(chars);
        }
#endif

        public static bool IsSha256(string text)
        {
            if (text.Length != 64)
            {
                return false;
            }

            foreach (var c in text)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                {
                    return false;
                }
            }

            return true;
        }

        private static char Digit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
    }
}
