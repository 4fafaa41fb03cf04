// Word lists and text makers for TPC-H-style string columns (names, types, containers, comments).
import type { Random } from './random.js';

/** NATIONS lists the 25 TPC-H nations with their region keys. */
export const NATIONS: readonly (readonly [string, number])[] = [
  ['ALGERIA', 0], ['ARGENTINA', 1], ['BRAZIL', 1], ['CANADA', 1], ['EGYPT', 4],
  ['ETHIOPIA', 0], ['FRANCE', 3], ['GERMANY', 3], ['INDIA', 2], ['INDONESIA', 2],
  ['IRAN', 4], ['IRAQ', 4], ['JAPAN', 2], ['JORDAN', 4], ['KENYA', 0],
  ['MOROCCO', 0], ['MOZAMBIQUE', 0], ['PERU', 1], ['CHINA', 2], ['ROMANIA', 3],
  ['SAUDI ARABIA', 4], ['VIETNAM', 2], ['RUSSIA', 3], ['UNITED KINGDOM', 3], ['UNITED STATES', 1],
];

/** REGIONS lists the 5 TPC-H regions. */
export const REGIONS = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'] as const;

export const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'] as const;
export const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'] as const;
export const SHIP_INSTRUCTIONS = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'] as const;
export const SHIP_MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'] as const;

const TYPE_SIZES = ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'];
const TYPE_FINISHES = ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'];
const TYPE_METALS = ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'];
const CONTAINER_SIZES = ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'];
const CONTAINER_KINDS = ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'];

const COLORS = (
  'almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood chartreuse ' +
  'chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick floral ' +
  'forest frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace lavender ' +
  'lawn lemon light lime linen magenta maroon medium metallic midnight mint misty moccasin navajo navy ' +
  'olive orange orchid pale papaya peach peru pink plum powder puff purple red rose rosy royal saddle ' +
  'salmon sandy seashell sienna sky slate smoke snow spring steel tan thistle tomato turquoise violet wheat white yellow'
).split(' ');

const NOUNS = 'packages requests accounts deposits foxes ideas theodolites pinto beans instructions dependencies excuses platelets asymptotes courts dolphins multipliers sauternes warthogs frets dinos attainments somas tithes'.split(' ');
const VERBS = 'sleep wake are cajole haggle nag use boost affix detect integrate maintain nod was lose sublate solve thrash promise engage hinder print'.split(' ');
const ADJECTIVES = 'furious sly careful blithe quick fluffy slow quiet ruthless thin close dogged daring brave stealthy permanent enticing idle busy regular final ironic even bold silent'.split(' ');
const ADVERBS = 'sometimes always never furiously slyly carefully blithely quickly fluffily slowly quietly ruthlessly thinly closely doggedly daringly bravely stealthily permanently enticingly idly busily regularly finally ironically evenly boldly silently'.split(' ');
const PREPOSITIONS = 'about above according to across after against along alongside among around at atop before behind beneath beside besides between beyond by despite during except for from in inside instead of into near of on outside over past since through throughout to toward under until up upon without with within'.split(' ');
const ENDINGS = ['.', ';', ':', '!', '?', '--', ','];

/** partType returns a P_TYPE such as "ECONOMY ANODIZED STEEL". */
export function partType(rng: Random): string {
  return `${rng.pick(TYPE_SIZES)} ${rng.pick(TYPE_FINISHES)} ${rng.pick(TYPE_METALS)}`;
}

/** container returns a P_CONTAINER such as "JUMBO PKG". */
export function container(rng: Random): string {
  return `${rng.pick(CONTAINER_SIZES)} ${rng.pick(CONTAINER_KINDS)}`;
}

/** partName returns five distinct colour words. */
export function partName(rng: Random): string {
  const words: string[] = [];
  while (words.length < 5) {
    const word = rng.pick(COLORS);
    if (!words.includes(word)) words.push(word);
  }
  return words.join(' ');
}

/** comment returns pseudo-English text whose length is uniform in [min, max]; it may contain commas. */
export function comment(rng: Random, min: number, max: number): string {
  const length = rng.int(min, max);
  let text = '';
  while (text.length < length) {
    const sentence = `${rng.pick(ADVERBS)} ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${rng.pick(VERBS)} ${rng.pick(PREPOSITIONS)} the ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}${rng.pick(ENDINGS)} `;
    text += sentence;
  }
  return text.slice(0, length).trimEnd() || 'none';
}

/** vstring returns random alphanumeric text (addresses) whose length is uniform in [min, max]. */
export function vstring(rng: Random, min: number, max: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';
  const length = rng.int(min, max);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[rng.int(0, alphabet.length - 1)];
  return text.trim() || 'x';
}

/** phone returns a phone number whose country code is nation key + 10. */
export function phone(rng: Random, nationKey: number): string {
  return `${nationKey + 10}-${rng.int(100, 999)}-${rng.int(100, 999)}-${rng.int(1000, 9999)}`;
}
