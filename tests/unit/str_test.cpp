// Unit tests of the text layer's pure parts (no VM): UTF-8 primitives, hashing, repr escaping
// of str and bytes, and the Unicode character predicates and case mappings.
#include <catch2/catch.hpp>

#include <string>

#include "vm/objects/bytes.hpp"
#include "vm/objects/str.hpp"

using namespace asy::vm;

namespace {

std::string enc(uint32_t cp) {
    std::string s;
    utf8_append(s, cp);
    return s;
}

std::string upper(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        int len;
        unicode_append_upper(out, utf8_decode(text.data() + i, &len));
        i += static_cast<size_t>(len);
    }
    return out;
}

} // namespace

TEST_CASE("utf8 encode/decode round-trips every kind of code point", "[str]") {
    for (uint32_t cp : {0x0u, 0x41u, 0x7Fu, 0x80u, 0xE9u, 0x7FFu, 0x800u, 0x20ACu, 0xD800u, 0xDFFFu, 0xFFFFu,
                        0x10000u, 0x1F600u, 0x10FFFFu}) {
        std::string s = enc(cp);
        int len = 0;
        REQUIRE(utf8_decode(s.data(), &len) == cp);
        REQUIRE(static_cast<size_t>(len) == s.size());
        REQUIRE(utf8_seq_len(static_cast<unsigned char>(s[0])) == len);
    }
    REQUIRE(enc(0x20AC) == "\xE2\x82\xAC");
    REQUIRE(enc(0xD800) == "\xED\xA0\x80"); // surrogates: 3-byte generalised UTF-8
}

TEST_CASE("utf8_length counts code points", "[str]") {
    REQUIRE(utf8_length("") == 0);
    REQUIRE(utf8_length("hello") == 5);
    REQUIRE(utf8_length("h\xC3\xA9llo w\xC3\xB6rld \xE2\x82\xAC"
                        "uro \xF0\x9F\x98\x80!") == 19);
    REQUIRE(utf8_length("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E") == 3);
    std::string long_text;
    for (int i = 0; i < 100; ++i)
        long_text += "a\xC3\xA9";
    REQUIRE(utf8_length(long_text) == 200);
}

TEST_CASE("utf8_valid rejects malformed sequences", "[str]") {
    REQUIRE(utf8_valid("plain ascii text that is long enough"));
    REQUIRE(utf8_valid("\xC3\xA9\xF0\x9F\x98\x80"));
    REQUIRE_FALSE(utf8_valid("\xFF"));
    REQUIRE_FALSE(utf8_valid("\xC0\x80"));            // overlong
    REQUIRE_FALSE(utf8_valid("\xE4\xB8"));            // truncated
    REQUIRE_FALSE(utf8_valid("\xF4\x90\x80\x80"));    // > U+10FFFF
    REQUIRE(utf8_valid("\xED\xA0\x80", true));        // lone surrogate allowed in str
    REQUIRE_FALSE(utf8_valid("\xED\xA0\x80", false)); // but not in real UTF-8
}

TEST_CASE("hash_bytes is deterministic and spreads", "[str]") {
    REQUIRE(hash_bytes("abc", 3) == hash_bytes("abc", 3));
    REQUIRE(hash_bytes("abc", 3) != hash_bytes("abd", 3));
    REQUIRE(hash_bytes("", 0) != hash_bytes("a", 1));
    std::string a(100, 'x'), b(100, 'x');
    b[57] = 'y';
    REQUIRE(hash_bytes(a.data(), a.size()) != hash_bytes(b.data(), b.size()));
    REQUIRE(hash_bytes(a.data(), 17) != hash_bytes(a.data(), 18));
}

TEST_CASE("str repr chooses quotes and escapes like CPython", "[str]") {
    REQUIRE(str_repr_text("plain") == "'plain'");
    REQUIRE(str_repr_text("it's") == "\"it's\"");
    REQUIRE(str_repr_text("say \"hi\"") == "'say \"hi\"'");
    REQUIRE(str_repr_text("both ' and \"") == "'both \\' and \"'");
    REQUIRE(str_repr_text("tab\t nl\n cr\r bs\\") == "'tab\\t nl\\n cr\\r bs\\\\'");
    REQUIRE(str_repr_text(std::string("\x00\x01\x1f\x7f", 4)) == "'\\x00\\x01\\x1f\\x7f'");
    REQUIRE(str_repr_text("\xC2\x80\xC3\xBF") == "'\\x80\xC3\xBF'"); // U+0080 not printable, ÿ is
    REQUIRE(str_repr_text("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80") ==
            "'\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80'");
    REQUIRE(str_repr_text("\xE2\x80\x8B") == "'\\u200b'"); // zero width space (Cf)
    REQUIRE(str_repr_text("\xED\xA0\x80") == "'\\ud800'"); // surrogate
    REQUIRE(str_repr_text("\xC2\xA0") == "'\\xa0'");       // NBSP (Zs)
    REQUIRE(str_repr_text("") == "''");
    REQUIRE(str_repr_text("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", true) == "'\\xe9\\u20ac\\U0001f600'");
}

TEST_CASE("bytes repr escapes like CPython", "[str]") {
    REQUIRE(bytes_repr_text("abc") == "b'abc'");
    REQUIRE(bytes_repr_text("it's") == "b\"it's\"");
    REQUIRE(bytes_repr_text("say \"hi\" it's") == "b'say \"hi\" it\\'s'");
    REQUIRE(bytes_repr_text(std::string("\x00\x7f\x80\xff\t\n\r\\", 8)) ==
            "b'\\x00\\x7f\\x80\\xff\\t\\n\\r\\\\'");
}

TEST_CASE("Unicode predicates follow Python's str.isX", "[str]") {
    REQUIRE(unicode_isspace(' '));
    REQUIRE(unicode_isspace(0x1C));
    REQUIRE(unicode_isspace(0x3000));
    REQUIRE_FALSE(unicode_isspace(0x200B));
    REQUIRE(unicode_isdecimal(0xFF11)); // FULLWIDTH DIGIT ONE
    REQUIRE(unicode_isdigit(0xB2));     // SUPERSCRIPT TWO
    REQUIRE_FALSE(unicode_isdecimal(0xB2));
    REQUIRE(unicode_isnumeric(0xBD));   // VULGAR FRACTION ONE HALF
    REQUIRE(unicode_isnumeric(0x4E00)); // CJK "one"
    REQUIRE_FALSE(unicode_isdigit(0xBD));
    REQUIRE(unicode_islower(0xAA));   // FEMININE ORDINAL (Other_Lowercase)
    REQUIRE(unicode_isupper(0x2160)); // ROMAN NUMERAL ONE (Other_Uppercase)
    REQUIRE(unicode_istitle(0x1C5));
    REQUIRE(unicode_isalpha(0xE9));
    REQUIRE_FALSE(unicode_isalpha('1'));
    REQUIRE(unicode_isprintable(0xE9));
    REQUIRE_FALSE(unicode_isprintable(0x85));
    REQUIRE(unicode_isxid_start('_'));
    REQUIRE_FALSE(unicode_isxid_start('1'));
    REQUIRE(unicode_isxid_continue('1'));
    REQUIRE(unicode_decimal_value(0xFF17) == 7);
    REQUIRE(unicode_decimal_value(0x0669) == 9); // ARABIC-INDIC NINE
    REQUIRE(unicode_decimal_value('x') == -1);
}

TEST_CASE("case mappings include the one-to-many special cases", "[str]") {
    REQUIRE(upper("stra\xC3\x9F"
                  "e") == "STRASSE");
    REQUIRE(upper("\xEF\xAC\x80") == "FF");                   // ﬀ ligature
    REQUIRE(upper("\xC3\xA9\xCE\xB1") == "\xC3\x89\xCE\x91"); // éα -> ÉΑ
    std::string t;
    unicode_append_title(t, 0xDF);
    REQUIRE(t == "Ss");
    std::string l;
    unicode_append_lower(l, 0x130);
    REQUIRE(l == "i\xCC\x87");
    l.clear();
    unicode_append_lower(l, 0x3A3, true);
    REQUIRE(l == "\xCF\x82"); // final sigma
    std::string f;
    unicode_append_casefold(f, 0xDF);
    REQUIRE(f == "ss");
}
