// Generated data: the UNICODE_LETTERS character class of Liquibase 4.28.0's SimpleSqlGrammar.jj
// (liquibase-standard/src/main/javacc/liquibase/util/grammar/SimpleSqlGrammar.jj), as merged, sorted
// inclusive UTF-16 code-unit ranges, 8 hex digits per range (start, end). Used to decide where Liquibase's
// identifier tokens end; every other code unit from U+00A1 to U+FF65 is a one-character SYMBOL token.
const PACKED =
  '00c000d600d802c102c602d102e002e402ec02ec02ee02ee0370037403760377037a037d037f037f038603860388038a' +
  '038c038c038e03a103a303f503f70481048a052f05310556055905590561058705d005ea05f005f20620064a066e066f' +
  '067106d306d506d506e506e606ee06ef06fa06fc06ff06ff071007100712072f074d07a507b107b107ca07ea07f407f5' +
  '07fa07fa08000815081a081a08240824082808280840085808a008b409040939093d093d095009500958096109710980' +
  '0985098c098f0990099309a809aa09b009b209b209b609b909bd09bd09ce09ce09dc09dd09df09e109f009f10a050a0a' +
  '0a0f0a100a130a280a2a0a300a320a330a350a360a380a390a590a5c0a5e0a5e0a720a740a850a8d0a8f0a910a930aa8' +
  '0aaa0ab00ab20ab30ab50ab90abd0abd0ad00ad00ae00ae10af90af90b050b0c0b0f0b100b130b280b2a0b300b320b33' +
  '0b350b390b3d0b3d0b5c0b5d0b5f0b610b710b710b830b830b850b8a0b8e0b900b920b950b990b9a0b9c0b9c0b9e0b9f' +
  '0ba30ba40ba80baa0bae0bb90bd00bd00c050c0c0c0e0c100c120c280c2a0c390c3d0c3d0c580c5a0c600c610c850c8c' +
  '0c8e0c900c920ca80caa0cb30cb50cb90cbd0cbd0cde0cde0ce00ce10cf10cf20d050d0c0d0e0d100d120d3a0d3d0d3d' +
  '0d4e0d4e0d5f0d610d7a0d7f0d850d960d9a0db10db30dbb0dbd0dbd0dc00dc60e010e300e320e330e400e460e810e82' +
  '0e840e840e870e880e8a0e8a0e8d0e8d0e940e970e990e9f0ea10ea30ea50ea50ea70ea70eaa0eab0ead0eb00eb20eb3' +
  '0ebd0ebd0ec00ec40ec60ec60edc0edf0f000f000f400f470f490f6c0f880f8c1000102a103f103f10501055105a105d' +
  '1061106110651066106e107010751081108e108e10a010c510c710c710cd10cd10d010fa10fc1248124a124d12501256' +
  '12581258125a125d12601288128a128d129012b012b212b512b812be12c012c012c212c512c812d612d8131013121315' +
  '1318135a1380138f13a013f513f813fd1401166c166f167f1681169a16a016ea16f116f81700170c170e171117201731' +
  '174017511760176c176e1770178017b317d717d717dc17dc18201877188018a818aa18aa18b018f51900191e1950196d' +
  '19701974198019ab19b019c91a001a161a201a541aa71aa71b051b331b451b4b1b831ba01bae1baf1bba1be51c001c23' +
  '1c4d1c4f1c5a1c7d1ce91cec1cee1cf11cf51cf61d001dbf1e001f151f181f1d1f201f451f481f4d1f501f571f591f59' +
  '1f5b1f5b1f5d1f5d1f5f1f7d1f801fb41fb61fbc1fbe1fbe1fc21fc41fc61fcc1fd01fd31fd61fdb1fe01fec1ff21ff4' +
  '1ff61ffc20712071207f207f2090209c2102210221072107210a2113211521162119211d212421242126212621282128' +
  '212a212d212f2139213c213f21452149214e214e2160217f218321842c002c2e2c302c5e2c602ce42ceb2cee2cf22cf3' +
  '2d002d252d272d272d2d2d2d2d302d672d6f2d6f2d802d962da02da62da82dae2db02db62db82dbe2dc02dc62dc82dce' +
  '2dd02dd62dd82dde2e2f2e2f3000303f30413096309d309f30a130fa30fc30ff3105312d3131318e31a031ba31f031ff' +
  '34004db54e009fd5a000a48ca4d0a4fda500a60ca610a61fa62aa62ba640a66ea67fa69da6a0a6e5a717a71fa722a788' +
  'a78ba7ada7b0a7b7a7f7a801a803a805a807a80aa80ca822a840a873a882a8b3a8f2a8f7a8fba8fba8fda8fda90aa925' +
  'a930a946a960a97ca984a9b2a9cfa9cfa9e0a9e4a9e6a9efa9faa9feaa00aa28aa40aa42aa44aa4baa60aa76aa7aaa7a' +
  'aa7eaaafaab1aab1aab5aab6aab9aabdaac0aac0aac2aac2aadbaaddaae0aaeaaaf2aaf4ab01ab06ab09ab0eab11ab16' +
  'ab20ab26ab28ab2eab30ab5aab5cab65ab70abe2ac00d7a3d7b0d7c6d7cbd7fbf900fa6dfa70fad9fb00fb06fb13fb17' +
  'fb1dfb1dfb1ffb28fb2afb36fb38fb3cfb3efb3efb40fb41fb43fb44fb46fbb1fbd3fd3dfd50fd8ffd92fdc7fdf0fdfb' +
  'fe70fe74fe76fefcff00ffef';

let table: Uint16Array | undefined;

function ranges(): Uint16Array {
  if (!table) {
    const t = new Uint16Array(PACKED.length / 4);
    for (let i = 0; i < t.length; i++) t[i] = parseInt(PACKED.slice(i * 4, i * 4 + 4), 16);
    table = t;
  }
  return table;
}

/** Is this UTF-16 code unit one of SimpleSqlGrammar's UNICODE_LETTERS (only meaningful for code units >= 0x80)? */
export function isLiquibaseUnicodeLetter(c: number): boolean {
  const t = ranges();
  let lo = 0;
  let hi = t.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < t[mid * 2]) hi = mid - 1;
    else if (c > t[mid * 2 + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}
