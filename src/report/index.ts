/**
 * Reports: self-contained HTML files with charts (SVG drawn by `charts.ts`), tables and images
 * (PNG data URLs). Pure functions from data to strings and files; nothing here runs a model.
 */
export { lineChart, confusionMatrixChart, barChart, heatmap } from './charts.js';
export type { Point, Series, LineChartOptions, ConfusionMatrixChartOptions, Bar, BarChartOptions, HeatmapOptions } from './charts.js';
export { numberFormat } from './number-format.js';
export { encodePNG, crc32, PNG_SIGNATURE } from './png.js';
export type { PNGColorType } from './png.js';
export { grayscaleToPNG, pngDataUrl, imageGrid, colorBar, misclassifiedCaption, valueRange } from './images.js';
export type { ImageOptions, GridImage, ImageGridOptions } from './images.js';
export { colorAt, COLORMAPS } from './colormap.js';
export type { Colormap } from './colormap.js';
export { convFilterImages, featureMapImages } from './tensor-images.js';
export { writeReport, renderReport, tableHtml } from './html.js';
export type { Section, Table, Cell, ReportInput } from './html.js';
export { confusionMatrix, accuracyFromConfusion, perClassMetrics } from './metrics.js';
export type { ClassMetrics } from './metrics.js';
export { buildTrainingReport, trainingSummary, writeTrainingReport } from './training-report.js';
export type { TrainingReportInput, EpochRecord, MisclassifiedSample } from './training-report.js';
export { convFiltersSection, featureMapsSection, gradientNormSection } from './sections.js';
