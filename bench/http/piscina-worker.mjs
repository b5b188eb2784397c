import { work } from './kernel.mjs';
export default (units) => work(units);
