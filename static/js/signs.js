// Signs (facilitator/core/signs.py, docs/signs.md): the same SVG as templates/_signs.html,
// drawn from a view's sign dict {number, colour, hex, text, shape, style, label}. No text is
// ever set as HTML: the SVG is built element by element.
const NS = "http://www.w3.org/2000/svg";
const OUTLINE = "#1a1a1a";

// BEGIN SHAPES (kept equal to facilitator/core/signs.py SHAPES by tests/unit/test_signs.py)
export const SHAPES = {
  "circle": ["M50 4A46 46 0 1 1 49.99 4Z", 50, 50],
  "square": ["M8 8H92V92H8Z", 50, 50],
  "triangle": ["M50 4L97 92H3Z", 50, 64],
  "diamond": ["M50 2L98 50L50 98L2 50Z", 50, 50],
  "star": ["M50 2L61.8 35.5L97.6 35.5L68.9 57.3L79.4 91.5L50 71L20.6 91.5L31.1 57.3L2.4 35.5L38.2 35.5Z", 50, 54],
  "hexagon": ["M27 6H73L97 50L73 94H27L3 50Z", 50, 50],
  "cross": ["M34 4H66V34H96V66H66V96H34V66H4V34H34Z", 50, 50],
  "heart": ["M50 94L10 54C-4 40 2 10 26 8C38 7 46 14 50 22C54 14 62 7 74 8C98 10 104 40 90 54Z", 50, 46],
  "house": ["M50 4L96 42V96H4V42Z", 50, 62]
};
// END SHAPES

// BEGIN COLOURS (kept equal to facilitator/core/signs.py: key, fill, the number's colour)
export const COLOURS = [
  ["blue", "#0072B2", "#ffffff"],
  ["orange", "#E69F00", "#000000"],
  ["green", "#009E73", "#000000"],
  ["yellow", "#F0E442", "#000000"],
  ["pink", "#CC79A7", "#000000"],
  ["sky", "#56B4E9", "#000000"],
  ["red", "#D55E00", "#000000"],
  ["black", "#000000", "#ffffff"]
];
// END COLOURS
const SHAPE_KEYS = Object.keys(SHAPES);
const STYLES = ["solid", "outline", "banded"];

let WORDS = null; // the page's #t-signs (templates/_sign_strings.html)
function words() {
  if (WORDS) return WORDS;
  const box = typeof document !== "undefined" && document.getElementById("t-signs");
  WORDS = box ? JSON.parse(box.textContent)
    : { colours: {}, shapes: {}, solid: "{colour} {shape}", outline: "{colour} {shape}", banded: "{colour} {shape}" };
  return WORDS;
}

// The sign of table, group, space or pair ``number`` (from 1), as facilitator/core/signs.py
// makes it: the same colour, shape, style and words (tests/e2e/test_printables_e2e.py checks).
export function signOf(number, names = words()) {
  const i = number - 1;
  const [colour, hex, text] = COLOURS[i % COLOURS.length];
  const shape = SHAPE_KEYS[i % SHAPE_KEYS.length];
  const style = STYLES[Math.floor(i / (COLOURS.length * SHAPE_KEYS.length)) % STYLES.length];
  const colourName = names.colours[colour] || colour;
  const shapeName = names.shapes[shape] || shape;
  const label = names[style].replace("{colour}", colourName).replace("{shape}", shapeName);
  return { number, colour, hex, text: style === "outline" ? "#000000" : text, shape, style,
           colour_name: colourName, shape_name: shapeName, label };
}

function node(name, attrs) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const INNER = { outline: 0.62, banded: 0.74 };

// The sign as an <svg> element ``size`` pixels square. ``label``: its name for screen readers
// (leave it out when the same words are written next to it: the drawing is then hidden).
export function signSvg(sign, size = 48, label = "") {
  const [path, x, y] = SHAPES[sign.shape] || SHAPES.circle;
  const small = ["triangle", "star", "heart", "house"].includes(sign.shape);
  const font = (sign.number > 99 ? 32 : 42) * (small ? 0.8 : 1);
  const svg = node("svg", { class: `sign sign-${sign.style}`, "data-sign": sign.number,
                            "data-colour": sign.colour, "data-shape": sign.shape,
                            width: size, height: size, viewBox: "-3 -3 106 106", focusable: "false" });
  if (label) { svg.setAttribute("role", "img"); svg.setAttribute("aria-label", label); }
  else svg.setAttribute("aria-hidden", "true");
  svg.append(node("path", { d: path, fill: sign.hex, stroke: OUTLINE, "stroke-width": 3, "stroke-linejoin": "round" }));
  const inner = INNER[sign.style];
  if (inner) {
    const t = `translate(50 50) scale(${inner}) translate(-50 -50)`;
    svg.append(node("path", sign.style === "outline"
      ? { d: path, fill: "#ffffff", stroke: OUTLINE, "stroke-width": 4, "stroke-linejoin": "round", transform: t }
      : { d: path, fill: "none", stroke: "#ffffff", "stroke-width": 9, "stroke-linejoin": "round", transform: t }));
  }
  const text = node("text", { x, y, "text-anchor": "middle", "dominant-baseline": "central",
                              "font-size": font, "font-weight": 700,
                              "font-family": "system-ui, sans-serif", fill: sign.text });
  text.textContent = String(sign.number);
  svg.append(text);
  return svg;
}
