// A small table of Unicode character names for \N{...} escapes (libutf8proc has no name
// lookup); names outside it are reported as unknown. Generated once with Python's unicodedata.
#include <algorithm>
#include <cctype>
#include <string>

#include "lexer/lexer.hpp"

namespace asy::lex {

namespace {
struct NameEntry {
    const char* name;
    uint32_t cp;
};
// Sorted by name for binary search.
const NameEntry kNames[] = {
    {"ALMOST EQUAL TO", 0x2248},
    {"ARABIC LETTER ALEF", 0x627},
    {"BACKSPACE", 0x8},
    {"BALLOT X", 0x2717},
    {"BELL", 0x1F514},
    {"BLACK CIRCLE", 0x25CF},
    {"BLACK CLUB SUIT", 0x2663},
    {"BLACK DIAMOND SUIT", 0x2666},
    {"BLACK HEART SUIT", 0x2665},
    {"BLACK LARGE SQUARE", 0x2B1B},
    {"BLACK RIGHT-POINTING TRIANGLE", 0x25B6},
    {"BLACK RIGHTWARDS ARROW", 0x27A1},
    {"BLACK SPADE SUIT", 0x2660},
    {"BLACK SQUARE", 0x25A0},
    {"BLACK STAR", 0x2605},
    {"BOX DRAWINGS LIGHT DOWN AND LEFT", 0x2510},
    {"BOX DRAWINGS LIGHT DOWN AND RIGHT", 0x250C},
    {"BOX DRAWINGS LIGHT HORIZONTAL", 0x2500},
    {"BOX DRAWINGS LIGHT UP AND LEFT", 0x2518},
    {"BOX DRAWINGS LIGHT UP AND RIGHT", 0x2514},
    {"BOX DRAWINGS LIGHT VERTICAL", 0x2502},
    {"BUG", 0x1F41B},
    {"BULLET", 0x2022},
    {"BYTE ORDER MARK", 0xFEFF},
    {"CARRIAGE RETURN", 0xD},
    {"CENT SIGN", 0xA2},
    {"CHARACTER TABULATION", 0x9},
    {"CHECK MARK", 0x2713},
    {"CHEQUERED FLAG", 0x1F3C1},
    {"CIRCLED DIGIT ONE", 0x2460},
    {"CIRCLED LATIN CAPITAL LETTER A", 0x24B6},
    {"CJK UNIFIED IDEOGRAPH-4E2D", 0x4E2D},
    {"CLAPPING HANDS SIGN", 0x1F44F},
    {"CLOCK FACE ONE OCLOCK", 0x1F550},
    {"CLOUD", 0x2601},
    {"COPYRIGHT SIGN", 0xA9},
    {"CROSS MARK", 0x274C},
    {"CYRILLIC CAPITAL LETTER A", 0x410},
    {"CYRILLIC SMALL LETTER A", 0x430},
    {"DAGGER", 0x2020},
    {"DARK SHADE", 0x2593},
    {"DEGREE SIGN", 0xB0},
    {"DELETE", 0x7F},
    {"DEVANAGARI LETTER A", 0x905},
    {"DIVISION SIGN", 0xF7},
    {"DOUBLE DAGGER", 0x2021},
    {"DOUBLE PRIME", 0x2033},
    {"DOWNWARDS ARROW", 0x2193},
    {"EARTH GLOBE AMERICAS", 0x1F30E},
    {"ELEMENT OF", 0x2208},
    {"EM DASH", 0x2014},
    {"EMOJI MODIFIER FITZPATRICK TYPE-1-2", 0x1F3FB},
    {"EMPTY SET", 0x2205},
    {"EN DASH", 0x2013},
    {"ESCAPE", 0x1B},
    {"EURO SIGN", 0x20AC},
    {"EYES", 0x1F440},
    {"FACE WITH TEARS OF JOY", 0x1F602},
    {"FIRE", 0x1F525},
    {"FOR ALL", 0x2200},
    {"FORM FEED", 0xC},
    {"FRACTION SLASH", 0x2044},
    {"FULL BLOCK", 0x2588},
    {"GLOBE WITH MERIDIANS", 0x1F310},
    {"GREATER-THAN OR EQUAL TO", 0x2265},
    {"GREEK CAPITAL LETTER DELTA", 0x394},
    {"GREEK CAPITAL LETTER OMEGA", 0x3A9},
    {"GREEK CAPITAL LETTER PI", 0x3A0},
    {"GREEK CAPITAL LETTER SIGMA", 0x3A3},
    {"GREEK SMALL LETTER ALPHA", 0x3B1},
    {"GREEK SMALL LETTER BETA", 0x3B2},
    {"GREEK SMALL LETTER DELTA", 0x3B4},
    {"GREEK SMALL LETTER EPSILON", 0x3B5},
    {"GREEK SMALL LETTER GAMMA", 0x3B3},
    {"GREEK SMALL LETTER LAMDA", 0x3BB},
    {"GREEK SMALL LETTER MU", 0x3BC},
    {"GREEK SMALL LETTER OMEGA", 0x3C9},
    {"GREEK SMALL LETTER PHI", 0x3C6},
    {"GREEK SMALL LETTER PI", 0x3C0},
    {"GREEK SMALL LETTER SIGMA", 0x3C3},
    {"GREEK SMALL LETTER TAU", 0x3C4},
    {"GREEK SMALL LETTER THETA", 0x3B8},
    {"GRINNING FACE", 0x1F600},
    {"HEAVY BALLOT X", 0x2718},
    {"HEAVY BLACK HEART", 0x2764},
    {"HEAVY CHECK MARK", 0x2714},
    {"HEAVY MINUS SIGN", 0x2796},
    {"HEAVY PLUS SIGN", 0x2795},
    {"HEBREW LETTER ALEF", 0x5D0},
    {"HIGH VOLTAGE SIGN", 0x26A1},
    {"HIRAGANA LETTER A", 0x3042},
    {"HORIZONTAL ELLIPSIS", 0x2026},
    {"HOT BEVERAGE", 0x2615},
    {"HOURGLASS", 0x231B},
    {"HUNDRED POINTS SYMBOL", 0x1F4AF},
    {"IDENTICAL TO", 0x2261},
    {"INCREMENT", 0x2206},
    {"INFINITY", 0x221E},
    {"INTEGRAL", 0x222B},
    {"INTERSECTION", 0x2229},
    {"INVERTED EXCLAMATION MARK", 0xA1},
    {"INVERTED QUESTION MARK", 0xBF},
    {"KATAKANA LETTER A", 0x30A2},
    {"LARGE BLUE CIRCLE", 0x1F535},
    {"LARGE RED CIRCLE", 0x1F534},
    {"LATIN CAPITAL LETTER A WITH DIAERESIS", 0xC4},
    {"LATIN CAPITAL LETTER E WITH ACUTE", 0xC9},
    {"LATIN CAPITAL LETTER O WITH DIAERESIS", 0xD6},
    {"LATIN CAPITAL LETTER U WITH DIAERESIS", 0xDC},
    {"LATIN SMALL LETTER A WITH ACUTE", 0xE1},
    {"LATIN SMALL LETTER A WITH DIAERESIS", 0xE4},
    {"LATIN SMALL LETTER A WITH GRAVE", 0xE0},
    {"LATIN SMALL LETTER C WITH CEDILLA", 0xE7},
    {"LATIN SMALL LETTER E WITH ACUTE", 0xE9},
    {"LATIN SMALL LETTER E WITH GRAVE", 0xE8},
    {"LATIN SMALL LETTER I WITH ACUTE", 0xED},
    {"LATIN SMALL LETTER N WITH TILDE", 0xF1},
    {"LATIN SMALL LETTER O WITH ACUTE", 0xF3},
    {"LATIN SMALL LETTER O WITH DIAERESIS", 0xF6},
    {"LATIN SMALL LETTER SHARP S", 0xDF},
    {"LATIN SMALL LETTER U WITH ACUTE", 0xFA},
    {"LATIN SMALL LETTER U WITH DIAERESIS", 0xFC},
    {"LEFT DOUBLE QUOTATION MARK", 0x201C},
    {"LEFT RIGHT ARROW", 0x2194},
    {"LEFT SINGLE QUOTATION MARK", 0x2018},
    {"LEFT-POINTING DOUBLE ANGLE QUOTATION MARK", 0xAB},
    {"LEFTWARDS ARROW", 0x2190},
    {"LESS-THAN OR EQUAL TO", 0x2264},
    {"LIGHT SHADE", 0x2591},
    {"LINE FEED", 0xA},
    {"LINE SEPARATOR", 0x2028},
    {"LINE TABULATION", 0xB},
    {"LINK SYMBOL", 0x1F517},
    {"LOGICAL AND", 0x2227},
    {"LOGICAL OR", 0x2228},
    {"MEDIUM SHADE", 0x2592},
    {"MICRO SIGN", 0xB5},
    {"MIDDLE DOT", 0xB7},
    {"MULTIPLICATION SIGN", 0xD7},
    {"N-ARY SUMMATION", 0x2211},
    {"NABLA", 0x2207},
    {"NO-BREAK SPACE", 0xA0},
    {"NOT EQUAL TO", 0x2260},
    {"NULL", 0x0},
    {"OBJECT REPLACEMENT CHARACTER", 0xFFFC},
    {"OK HAND SIGN", 0x1F44C},
    {"PARAGRAPH SEPARATOR", 0x2029},
    {"PARTIAL DIFFERENTIAL", 0x2202},
    {"PARTY POPPER", 0x1F389},
    {"PER MILLE SIGN", 0x2030},
    {"PILCROW SIGN", 0xB6},
    {"PILE OF POO", 0x1F4A9},
    {"PLUS-MINUS SIGN", 0xB1},
    {"POUND SIGN", 0xA3},
    {"PRIME", 0x2032},
    {"RED APPLE", 0x1F34E},
    {"REGISTERED SIGN", 0xAE},
    {"REPLACEMENT CHARACTER", 0xFFFD},
    {"RIGHT DOUBLE QUOTATION MARK", 0x201D},
    {"RIGHT SINGLE QUOTATION MARK", 0x2019},
    {"RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK", 0xBB},
    {"RIGHTWARDS ARROW", 0x2192},
    {"ROCKET", 0x1F680},
    {"SECTION SIGN", 0xA7},
    {"SMILING FACE WITH SMILING EYES", 0x1F60A},
    {"SNAKE", 0x1F40D},
    {"SNOWMAN", 0x2603},
    {"SPACE", 0x20},
    {"SPARKLES", 0x2728},
    {"SQUARE ROOT", 0x221A},
    {"STOPWATCH", 0x23F1},
    {"SUBSET OF", 0x2282},
    {"SUN WITH FACE", 0x1F31E},
    {"SUPERSCRIPT ONE", 0xB9},
    {"SUPERSCRIPT THREE", 0xB3},
    {"SUPERSCRIPT TWO", 0xB2},
    {"THERE EXISTS", 0x2203},
    {"THUMBS DOWN SIGN", 0x1F44E},
    {"THUMBS UP SIGN", 0x1F44D},
    {"TRADE MARK SIGN", 0x2122},
    {"UMBRELLA", 0x2602},
    {"UNION", 0x222A},
    {"UPWARDS ARROW", 0x2191},
    {"VULGAR FRACTION ONE HALF", 0xBD},
    {"VULGAR FRACTION ONE QUARTER", 0xBC},
    {"WARNING SIGN", 0x26A0},
    {"WATCH", 0x231A},
    {"WAVING HAND SIGN", 0x1F44B},
    {"WHITE CIRCLE", 0x25CB},
    {"WHITE HEART SUIT", 0x2661},
    {"WHITE HEAVY CHECK MARK", 0x2705},
    {"WHITE LARGE SQUARE", 0x2B1C},
    {"WHITE MEDIUM STAR", 0x2B50},
    {"WHITE SMILING FACE", 0x263A},
    {"WHITE SQUARE", 0x25A1},
    {"WHITE STAR", 0x2606},
    {"YEN SIGN", 0xA5},
    {"ZERO WIDTH JOINER", 0x200D},
    {"ZERO WIDTH NO-BREAK SPACE", 0xFEFF},
    {"ZERO WIDTH NON-JOINER", 0x200C},
    {"ZERO WIDTH SPACE", 0x200B},
};
}  // namespace

uint32_t lookup_unicode_name(std::string_view name) {
    std::string up(name);
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // Algorithmic names.
    const std::string cjk = "CJK UNIFIED IDEOGRAPH-";
    if (up.compare(0, cjk.size(), cjk) == 0 && up.size() > cjk.size()) {
        uint32_t cp = 0;
        for (size_t i = cjk.size(); i < up.size(); ++i) {
            char c = up[i];
            if (!std::isxdigit(static_cast<unsigned char>(c))) return kNoSuchName;
            cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A' + 10);
            if (cp > 0x10FFFF) return kNoSuchName;
        }
        return cp;
    }
    // The ASCII letters and digits, by rule rather than 62 table rows.
    for (const char* prefix : {"LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "}) {
        std::string p(prefix);
        if (up.size() == p.size() + 1 && up.compare(0, p.size(), p) == 0 && std::isupper(static_cast<unsigned char>(up.back())))
            return static_cast<uint32_t>(p[6] == 'S' ? std::tolower(static_cast<unsigned char>(up.back())) : up.back());
    }
    static const char* const kDigits[] = {"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"};
    if (up.compare(0, 6, "DIGIT ") == 0) {
        for (uint32_t d = 0; d < 10; ++d)
            if (up.substr(6) == kDigits[d]) return '0' + d;
    }
    auto it = std::lower_bound(std::begin(kNames), std::end(kNames), up,
                               [](const NameEntry& e, const std::string& k) { return k.compare(e.name) > 0; });
    if (it != std::end(kNames) && up == it->name) return it->cp;
    return kNoSuchName;
}

}  // namespace asy::lex
