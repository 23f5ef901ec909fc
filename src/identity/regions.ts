/**
 * Data tables of the identity module: China's province-level divisions (GB/T 2260 prefixes with
 * their ISO 3166-2:CN codes) and the ISO 3166-1 alpha-2 country codes. Plain data, no logic.
 */

/** One province-level division: its ISO 3166-2:CN code and its names. */
export interface Province {
  /** ISO 3166-2:CN code, e.g. `'CN-BJ'` (the two-letter form in use since the 2017 revision). */
  readonly iso: string;
  /** English name. */
  readonly name: string;
  /** Chinese name (simplified), as GB/T 2260 lists it. */
  readonly nameZh: string;
}

/**
 * Every province-level division of China, keyed by its two-digit GB/T 2260 prefix (the first two
 * digits of every division code beneath it): the 31 mainland provinces, autonomous regions and
 * municipalities, plus Taiwan (71), Hong Kong (81) and Macao (82): 34 in all, the entries of
 * ISO 3166-2:CN.
 *
 * Note: ISO 3166-2:CN's former numeric codes matched these prefixes except for Hong Kong and
 * Macao (CN-91, CN-92); the current ISO codes are the two-letter ones given here.
 *
 * @example
 * PROVINCES.get('44'); // { iso: 'CN-GD', name: 'Guangdong', nameZh: '广东省' }
 */
export const PROVINCES: ReadonlyMap<string, Province> = new Map(
  (
    [
      ['11', 'CN-BJ', 'Beijing', '北京市'],
      ['12', 'CN-TJ', 'Tianjin', '天津市'],
      ['13', 'CN-HE', 'Hebei', '河北省'],
      ['14', 'CN-SX', 'Shanxi', '山西省'],
      ['15', 'CN-NM', 'Inner Mongolia', '内蒙古自治区'],
      ['21', 'CN-LN', 'Liaoning', '辽宁省'],
      ['22', 'CN-JL', 'Jilin', '吉林省'],
      ['23', 'CN-HL', 'Heilongjiang', '黑龙江省'],
      ['31', 'CN-SH', 'Shanghai', '上海市'],
      ['32', 'CN-JS', 'Jiangsu', '江苏省'],
      ['33', 'CN-ZJ', 'Zhejiang', '浙江省'],
      ['34', 'CN-AH', 'Anhui', '安徽省'],
      ['35', 'CN-FJ', 'Fujian', '福建省'],
      ['36', 'CN-JX', 'Jiangxi', '江西省'],
      ['37', 'CN-SD', 'Shandong', '山东省'],
      ['41', 'CN-HA', 'Henan', '河南省'],
      ['42', 'CN-HB', 'Hubei', '湖北省'],
      ['43', 'CN-HN', 'Hunan', '湖南省'],
      ['44', 'CN-GD', 'Guangdong', '广东省'],
      ['45', 'CN-GX', 'Guangxi', '广西壮族自治区'],
      ['46', 'CN-HI', 'Hainan', '海南省'],
      ['50', 'CN-CQ', 'Chongqing', '重庆市'],
      ['51', 'CN-SC', 'Sichuan', '四川省'],
      ['52', 'CN-GZ', 'Guizhou', '贵州省'],
      ['53', 'CN-YN', 'Yunnan', '云南省'],
      ['54', 'CN-XZ', 'Tibet', '西藏自治区'],
      ['61', 'CN-SN', 'Shaanxi', '陕西省'],
      ['62', 'CN-GS', 'Gansu', '甘肃省'],
      ['63', 'CN-QH', 'Qinghai', '青海省'],
      ['64', 'CN-NX', 'Ningxia', '宁夏回族自治区'],
      ['65', 'CN-XJ', 'Xinjiang', '新疆维吾尔自治区'],
      ['71', 'CN-TW', 'Taiwan', '台湾省'],
      ['81', 'CN-HK', 'Hong Kong', '香港特别行政区'],
      ['82', 'CN-MO', 'Macao', '澳门特别行政区'],
    ] as const
  ).map(([prefix, iso, name, nameZh]) => [prefix, Object.freeze({ iso, name, nameZh })]),
);

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 country codes (upper case). User-assigned and
 * reserved codes (`XK`, `EU`, `UK`, `ZZ`, …) are not in the set.
 *
 * @example
 * COUNTRIES.has('CN'); // true
 * COUNTRIES.has('XX'); // false
 */
export const COUNTRIES: ReadonlySet<string> = new Set(
  [
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ',
    'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ',
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ',
    'DE DJ DK DM DO DZ',
    'EC EE EG EH ER ES ET',
    'FI FJ FK FM FO FR',
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY',
    'HK HM HN HR HT HU',
    'ID IE IL IM IN IO IQ IR IS IT',
    'JE JM JO JP',
    'KE KG KH KI KM KN KP KR KW KY KZ',
    'LA LB LC LI LK LR LS LT LU LV LY',
    'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ',
    'NA NC NE NF NG NI NL NO NP NR NU NZ',
    'OM',
    'PA PE PF PG PH PK PL PM PN PR PS PT PW PY',
    'QA',
    'RE RO RS RU RW',
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ',
    'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ',
    'UA UG UM US UY UZ',
    'VA VC VE VG VI VN VU',
    'WF WS',
    'YE YT',
    'ZA ZM ZW',
  ]
    .join(' ')
    .split(' '),
);
