import { rpn } from 'rpnc';

export default function model() {
  return rpn({ layers: [] });
}
