export { LoadingStatus as default } from "@/components/loading-status";
