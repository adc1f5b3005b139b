// Unit tests of the numbers layer that need no running VM: float repr and parsing, the
// format-spec mini-language, int text conversion, numeric hashing and exact comparisons.
// Expected values were checked against CPython 3.11.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "vm/format.hpp"
#include "vm/objects/float.hpp"
#include "vm/objects/int.hpp"

using namespace asy::vm;

namespace {

std::string fmt_f(double d, const char* spec) {
    std::string out;
    FormatError err;
    if (!format_double_spec(d, spec, &out, &err)) return "ERR " + err.message;
    return out;
}

std::string fmt_i(Value v, const char* spec) {
    std::string out;
    FormatError err;
    if (!format_int_spec(v, spec, &out, &err)) return "ERR " + err.message;
    return out;
}

std::string fmt_s(const char* text, const char* spec) {
    std::string out;
    FormatError err;
    if (!format_str_spec(text, spec, &out, &err)) return "ERR " + err.message;
    return out;
}

// A BigInt outside any VM (the tests only read it).
struct TestBig {
    BigInt b;
    explicit TestBig(const char* dec) { mpz_set_str(b.z, dec, 10); }
    Value value() { return Value::object(&b); }
};

}  // namespace

TEST_CASE("float repr is the shortest round trip in CPython's style", "[numbers]") {
    CHECK(float_repr(1.0) == "1.0");
    CHECK(float_repr(0.1) == "0.1");
    CHECK(float_repr(1e16) == "1e+16");
    CHECK(float_repr(1e15) == "1000000000000000.0");
    CHECK(float_repr(1e-5) == "1e-05");
    CHECK(float_repr(0.0001) == "0.0001");
    CHECK(float_repr(-0.0) == "-0.0");
    CHECK(float_repr(1.5e300) == "1.5e+300");
    CHECK(float_repr(INFINITY) == "inf");
    CHECK(float_repr(-INFINITY) == "-inf");
    CHECK(float_repr(NAN) == "nan");
    CHECK(float_repr(5e-324) == "5e-324");
    CHECK(float_repr(0.1 + 0.2) == "0.30000000000000004");
    CHECK(float_repr(123456789.0) == "123456789.0");
    CHECK(float_repr(2e16 + 8) == "2.000000000000001e+16");
}

TEST_CASE("double_to_string modes", "[numbers]") {
    CHECK(double_to_string(1.5, 'e', 3, false, false) == "1.500e+00");
    CHECK(double_to_string(2.675, 'f', 2, false, false) == "2.67");
    CHECK(double_to_string(100.0, 'g', 3, true, false) == "100.");
    CHECK(double_to_string(1e-5, 'g', 6, false, false) == "1e-05");
    CHECK(double_to_string(INFINITY, 'F', 6, false, false) == "INF");
    CHECK(double_to_string(12.0, 'g', 2, false, true) == "1.2e+01");
    CHECK(double_to_string(1.0, 'g', 3, false, true) == "1.0");
    CHECK(complex_repr(1, 2) == "(1+2j)");
    CHECK(complex_repr(0, -1) == "-1j");
    CHECK(complex_repr(-0.0, -1) == "(-0-1j)");
    CHECK(complex_repr(1.5, NAN) == "(1.5+nanj)");
}

TEST_CASE("float() text parsing", "[numbers]") {
    double d;
    CHECK((parse_float_text(" 1_000.5 ", &d) && d == 1000.5));
    CHECK((parse_float_text("-iNF", &d) && std::isinf(d) && d < 0));
    CHECK((parse_float_text("infinity", &d) && std::isinf(d)));
    CHECK((parse_float_text("+nan", &d) && std::isnan(d)));
    CHECK((parse_float_text(".5", &d) && d == 0.5));
    CHECK((parse_float_text("5.", &d) && d == 5.0));
    CHECK((parse_float_text("1_0e1_0", &d) && d == 1e11));
    CHECK((parse_float_text("1e400", &d) && std::isinf(d)));
    CHECK_FALSE(parse_float_text("1__0", &d));
    CHECK_FALSE(parse_float_text("1_.5", &d));
    CHECK_FALSE(parse_float_text("_1", &d));
    CHECK_FALSE(parse_float_text("0x10", &d));
    CHECK_FALSE(parse_float_text("1e", &d));
    CHECK_FALSE(parse_float_text("+.e1", &d));
    CHECK_FALSE(parse_float_text("", &d));
    CHECK_FALSE(parse_float_text("in f", &d));
}

TEST_CASE("format spec parsing and its errors", "[numbers]") {
    FormatSpec f;
    FormatError err;
    REQUIRE(parse_format_spec("*^+z#012,.3f", 0, '>', "float", &f, &err));
    CHECK(f.fill == "*");
    CHECK(f.align == '^');
    CHECK(f.sign == '+');
    CHECK(f.no_neg_zero);
    CHECK(f.alternate);
    CHECK(f.width == 12);
    CHECK(f.grouping == ',');
    CHECK(f.precision == 3);
    CHECK(f.type == 'f');
    REQUIRE(parse_format_spec("\xc3\xa9<5", 's', '<', "str", &f, &err));
    CHECK(f.fill == "\xc3\xa9");
    CHECK(fmt_i(Value::integer(5), ".") == "ERR Format specifier missing precision");
    CHECK(fmt_i(Value::integer(5), "xx") == "ERR Invalid format specifier 'xx' for object of type 'int'");
    CHECK(fmt_i(Value::integer(5), ",_") == "ERR Cannot specify both ',' and '_'.");
    CHECK(fmt_i(Value::integer(5), ",,") == "ERR Cannot specify ',' with ','.");
    CHECK(fmt_i(Value::integer(5), ",x") == "ERR Cannot specify ',' with 'x'.");
    CHECK(fmt_i(Value::integer(5), "1000000000000000000000") == "ERR Too many decimal digits in format string");
}

TEST_CASE("int formatting", "[numbers]") {
    CHECK(fmt_i(Value::integer(1234), "09,") == "0,001,234");
    CHECK(fmt_i(Value::integer(1234), "010,") == "00,001,234");
    CHECK(fmt_i(Value::integer(-1234), "010,") == "-0,001,234");
    CHECK(fmt_i(Value::integer(1234), "0>10,") == "000001,234");
    CHECK(fmt_i(Value::integer(255), "#010_x") == "0x000_00ff");
    CHECK(fmt_i(Value::integer(1 << 20), "_b") == "1_0000_0000_0000_0000_0000");
    CHECK(fmt_i(Value::integer(255), "#X") == "0XFF");
    CHECK(fmt_i(Value::integer(-5), "#010b") == "-0b0000101");
    CHECK(fmt_i(Value::integer(65), "^5c") == "  A  ");
    CHECK(fmt_i(Value::integer(5), "+010") == "+000000005");
    CHECK(fmt_i(Value::integer(5), "-^9") == "----5----");
    CHECK(fmt_i(Value::integer(5), "e") == "5.000000e+00");
    CHECK(fmt_i(Value::integer(5), "%") == "500.000000%");
    CHECK(fmt_i(Value::integer(5), ".2") == "ERR Precision not allowed in integer format specifier");
    CHECK(fmt_i(Value::integer(5), "+c") == "ERR Sign not allowed with integer format specifier 'c'");
    CHECK(fmt_i(Value::integer(5), "z") == "ERR Negative zero coercion (z) not allowed in integer format specifier");
    CHECK(fmt_i(Value::integer(5), "q") == "ERR Unknown format code 'q' for object of type 'int'");
    CHECK(fmt_i(Value::integer(-1), "c") == "ERR %c arg not in range(0x110000)");
    TestBig big("-1000000000000000000000000000000");
    CHECK(fmt_i(big.value(), "_x") == "-c_9f2c_9cd0_4674_edea_4000_0000");
    CHECK(fmt_i(big.value(), ",") == "-1,000,000,000,000,000,000,000,000,000,000");
}

TEST_CASE("float formatting", "[numbers]") {
    CHECK(fmt_f(1234567.891, ",.2f") == "1,234,567.89");
    CHECK(fmt_f(1234567.891, "015,.2f") == "0,001,234,567.89");
    CHECK(fmt_f(1.5, "010,") == "0,000,001.5");
    CHECK(fmt_f(INFINITY, "010") == "0000000inf");
    CHECK(fmt_f(NAN, "=+8") == "+    nan");
    CHECK(fmt_f(-0.0, "z") == "0.0");
    CHECK(fmt_f(-0.0001, "z.2f") == "0.00");
    CHECK(fmt_f(0.5, ".0%") == "50%");
    CHECK(fmt_f(12.0, ".2") == "1.2e+01");
    CHECK(fmt_f(1234.5, ".2") == "1.2e+03");
    CHECK(fmt_f(12345.678, "n") == "12345.7");
    CHECK(fmt_f(123.0, "#.0f") == "123.");
    CHECK(fmt_f(2.0, "#.0e") == "2.e+00");
    CHECK(fmt_f(1e20, ",") == "1e+20");
    CHECK(fmt_f(1.5, "=+10") == "+      1.5");
    CHECK(fmt_f(1.5, "d") == "ERR Unknown format code 'd' for object of type 'float'");
}

TEST_CASE("str formatting", "[numbers]") {
    CHECK(fmt_s("abc", ".2") == "ab");
    CHECK(fmt_s("abc", "^7.2") == "  ab   ");
    CHECK(fmt_s("abc", "x<5") == "abcxx");
    CHECK(fmt_s("ab", "05") == "ab000");
    CHECK(fmt_s("ab", "\xc3\xa9^5") == "\xc3\xa9" "ab" "\xc3\xa9\xc3\xa9");
    CHECK(fmt_s("a", "+") == "ERR Sign not allowed in string format specifier");
    CHECK(fmt_s("a", "#") == "ERR Alternate form (#) not allowed in string format specifier");
    CHECK(fmt_s("a", "=") == "ERR '=' alignment not allowed in string format specifier");
    CHECK(fmt_s("a", ",") == "ERR Cannot specify ',' with 's'.");
    CHECK(fmt_s("a", "d") == "ERR Unknown format code 'd' for object of type 'str'");
}

TEST_CASE("int text, hash and comparison", "[numbers]") {
    CHECK(int_to_decimal(Value::integer(-42)) == "-42");
    CHECK(int_to_base(Value::integer(255), 16) == "ff");
    CHECK(int_to_base(Value::integer(INT64_MIN), 2).size() == 65);
    TestBig big("18446744073709551616");  // 2**64
    CHECK(int_to_decimal(big.value()) == "18446744073709551616");
    CHECK(int_bit_length(big.value()) == 65);
    CHECK(static_cast<int64_t>(int_hash(Value::integer(-1))) == -2);
    CHECK(static_cast<int64_t>(int_hash(Value::integer(INT64_MIN))) == -4);
    TestBig p61("2305843009213693952");  // 2**61
    CHECK(int_hash(p61.value()) == 1);
    CHECK(static_cast<int64_t>(float_hash(1.5)) == 1152921504606846977);
    CHECK(float_hash(INFINITY) == 314159);
    CHECK(float_hash(4.0) == int_hash(Value::integer(4)));
    CHECK(float_hash(-1.0) == int_hash(Value::integer(-1)));
    TestBig p63("9223372036854775808");  // 2**63
    CHECK(number_cmp3(p63.value(), Value::real(9223372036854775808.0)) == 0);
    CHECK(number_cmp3(Value::integer(INT64_MAX), Value::real(9223372036854775808.0)) == -1);
    CHECK(number_cmp3(big.value(), Value::real(INFINITY)) == -1);
    CHECK(number_cmp3(big.value(), Value::real(NAN)) == 2);
    CHECK(number_cmp3(Value::integer((int64_t{1} << 53) + 1), Value::real(9007199254740992.0)) == 1);
    CHECK(int_cmp(Value::boolean(true), Value::integer(1)) == 0);
    CHECK(strip_number_text("  12 \n") == "12");
}
