declare module '@mapbox/polylabel' {
  /** The pole of inaccessibility of a polygon given as rings of [x, y] (the first ring is the outline). */
  export default function polylabel(
    polygon: number[][][],
    precision?: number,
  ): number[] & { distance: number };
}
