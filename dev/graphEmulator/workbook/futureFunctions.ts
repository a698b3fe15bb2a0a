// Functions added to Excel after 2007 are written in the file with a prefix (`_xlfn.XLOOKUP(…)`, `_xlfn._xlws.FILTER`,
// LAMBDA parameters as `_xlpm.x`), and Excel shows them without it; a file that holds the bare name opens in Excel as
// `#NAME?` until the cell is typed again ("Issue: An _xlfn. prefix is displayed in front of a formula",
// https://support.microsoft.com/office/issue-an-xlfn-prefix-is-displayed-in-front-of-a-formula-882f1ef7-68fb-4fcd-8d54-9fbb77fd5025).
// So a formula is stored with the prefixes and answered without them, as Excel Online answers `formulas`.

const PREFIXED = new Set(
  [
    // Excel 2010–2019
    'AGGREGATE BITAND BITLSHIFT BITOR BITRSHIFT BITXOR CEILING.MATH CEILING.PRECISE COMBINA CONCAT COT COTH CSC CSCH',
    'DAYS DECIMAL FLOOR.MATH FLOOR.PRECISE FORMULATEXT GAMMA GAUSS IFNA IFS ISFORMULA ISOWEEKNUM MAXIFS MINIFS MUNIT',
    'NETWORKDAYS.INTL NUMBERVALUE PDURATION PERMUTATIONA PHI RRI SEC SECH SHEET SHEETS SWITCH TEXTJOIN UNICHAR UNICODE',
    'WORKDAY.INTL XOR STDEV.P STDEV.S VAR.P VAR.S MODE.SNGL MODE.MULT RANK.EQ RANK.AVG PERCENTILE.INC PERCENTILE.EXC',
    'PERCENTRANK.INC PERCENTRANK.EXC QUARTILE.INC QUARTILE.EXC NORM.DIST NORM.INV NORM.S.DIST NORM.S.INV T.DIST T.INV',
    'T.TEST CHISQ.DIST CHISQ.INV CHISQ.TEST F.DIST F.INV F.TEST BINOM.DIST BINOM.INV EXPON.DIST GAMMA.DIST GAMMA.INV',
    'LOGNORM.DIST LOGNORM.INV POISSON.DIST WEIBULL.DIST COVARIANCE.P COVARIANCE.S CONFIDENCE.NORM CONFIDENCE.T',
    'FORECAST.LINEAR SKEW.P Z.TEST ERF.PRECISE ERFC.PRECISE',
    // dynamic arrays and later
    'XLOOKUP XMATCH SORTBY UNIQUE SEQUENCE RANDARRAY LET LAMBDA TEXTBEFORE TEXTAFTER TEXTSPLIT VSTACK HSTACK TOCOL',
    'TOROW WRAPROWS WRAPCOLS TAKE DROP CHOOSEROWS CHOOSECOLS EXPAND ARRAYTOTEXT VALUETOTEXT ISOMITTED BYROW BYCOL MAP',
    'REDUCE SCAN MAKEARRAY REGEXTEST REGEXEXTRACT REGEXREPLACE GROUPBY PIVOTBY PERCENTOF TRIMRANGE',
  ]
    .join(' ')
    .split(' '),
);
// FILTER and SORT carry a second prefix of their own.
const WORKSHEET_PREFIXED = new Set(['FILTER', 'SORT']);

const call = /(?<![A-Za-z0-9_.])([A-Za-z][A-Za-z0-9.]*)(?=\s*\()/g;

/** The formula as written in the .xlsx: newer functions prefixed (input without its leading `=`). */
export function toStoredFormula(formula: string): string {
  return outsideStrings(formula, (text) =>
    text.replace(call, (name: string) => {
      const upper = name.toUpperCase();
      if (WORKSHEET_PREFIXED.has(upper)) return `_xlfn._xlws.${name}`;
      return PREFIXED.has(upper) ? `_xlfn.${name}` : name;
    }),
  );
}

/** The formula as Excel shows it: no `_xlfn.`, `_xlws.` or `_xlpm.` prefixes. */
export function toShownFormula(formula: string): string {
  return outsideStrings(formula, (text) => text.replace(/_xl(?:fn|ws|pm)\./gi, ''));
}

/** Applies `change` to the parts of a formula outside its "string literals" (a quote inside one is doubled). */
export function outsideStrings(formula: string, change: (text: string) => string): string {
  return formula
    .split(/("(?:[^"]|"")*")/)
    .map((part, n) => (n % 2 === 1 ? part : change(part)))
    .join('');
}
