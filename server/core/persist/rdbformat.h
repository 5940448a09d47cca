#pragma once

#include <QtGlobal>

// The constants of Redis's RDB format (rdb.h), version 10 as redis-server 7.0 writes it.
namespace Rdb {

constexpr int Version = 10;

// Value types: those Redis 7.0 writes for what qkv holds, and the older ones it still loads.
enum Type : quint8 {
    TypeString = 0,
    TypeList = 1,
    TypeSet = 2,
    TypeZSet = 3,
    TypeHash = 4,
    TypeZSet2 = 5, // binary scores
    TypeModulePreGa = 6,
    TypeModule2 = 7,
    TypeHashZipmap = 9,
    TypeListZiplist = 10,
    TypeSetIntset = 11,
    TypeZSetZiplist = 12,
    TypeHashZiplist = 13,
    TypeListQuicklist = 14,
    TypeStreamListpacks = 15,
    TypeHashListpack = 16,
    TypeZSetListpack = 17,
    TypeListQuicklist2 = 18,
    TypeStreamListpacks2 = 19,
};

// Opcodes between keys.
enum Opcode : quint8 {
    OpFunction2 = 245,
    OpFunction = 246,
    OpModuleAux = 247,
    OpIdle = 248,
    OpFreq = 249,
    OpAux = 250,
    OpResizeDb = 251,
    OpExpireTimeMs = 252,
    OpExpireTime = 253,
    OpSelectDb = 254,
    OpEof = 255,
};

// Length encodings (the top two bits of the first byte) and special string encodings.
constexpr quint8 Len6Bit = 0;
constexpr quint8 Len14Bit = 1;
constexpr quint8 Len32Bit = 0x80;
constexpr quint8 Len64Bit = 0x81;
constexpr quint8 EncodedValue = 3;
constexpr quint8 EncInt8 = 0;
constexpr quint8 EncInt16 = 1;
constexpr quint8 EncInt32 = 2;
constexpr quint8 EncLzf = 3;

// Quicklist 2 node containers.
constexpr quint64 ContainerPlain = 1;
constexpr quint64 ContainerPacked = 2;

} // namespace Rdb
